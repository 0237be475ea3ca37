import type { ParleyClient } from '@parley/core';
import { testGroupCallWithoutFrameKeys } from '../../platform/test-options.dom.js';
import { frameEncryptionHooks } from './e2ee/index.js';
import type { GroupCallMediaHooks } from './media-hooks.js';

/**
 * The one place end-to-end frame encryption attaches to group calls: every sender and receiver of the call
 * passes through the frame-encryption hooks (e2ee/README.md), keyed by the group's call keyring, so the SFU
 * forwards frames it cannot read. GroupCall calls `close` when the call is left or fails.
 */
export function groupCallMediaHooks(client: ParleyClient, groupId: string): GroupCallMediaHooks {
  return frameEncryptionHooks(client, groupId, { withoutRemoteKeys: testGroupCallWithoutFrameKeys() });
}
