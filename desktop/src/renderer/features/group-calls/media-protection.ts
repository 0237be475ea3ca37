import type { ParleyClient } from '@parley/core';
import {
  testGroupCallE2eeProbe,
  testGroupCallEavesdrop,
  testGroupCallWithoutFrameKeys,
} from '../../platform/test-options.dom.js';
import { frameEncryptionHooks } from './e2ee/index.js';
import type { GroupCallMediaHooks } from './media-hooks.js';

/**
 * The one place end-to-end frame encryption attaches to group calls: every sender and receiver of the call
 * passes through the frame-encryption hooks (e2ee/README.md), keyed by the group's call keyring, so the SFU
 * forwards frames it cannot read. GroupCall calls `close` when the call is left or fails.
 */
export function groupCallMediaHooks(client: ParleyClient, groupId: string): GroupCallMediaHooks {
  const probe = testGroupCallE2eeProbe();
  const eavesdropAfterLeave = testGroupCallEavesdrop();
  const hooks = frameEncryptionHooks(client, groupId, {
    withoutRemoteKeys: testGroupCallWithoutFrameKeys(),
    ...(eavesdropAfterLeave === undefined
      ? {}
      : {
          keysLeftBehind: (keys) => {
            eavesdropAfterLeave.start = async () => {
              // Test-only code, fetched only when a scenario asked for it before the page loaded.
              const { eavesdrop } = await import('./e2ee/testing/eavesdrop.dom.js');
              const report = (error: unknown) => console.warn('group call eavesdrop:', error);
              const running = await eavesdrop(client, groupId, keys, report);
              eavesdropAfterLeave.stats = () => running.stats();
            };
          },
        }),
    ...(probe === undefined
      ? {}
      : {
          remoteKeyGiven: (participantId: string, keyId: number) => {
            const given = (probe.keysGiven[participantId] ??= []);
            if (!given.includes(keyId)) given.push(keyId);
          },
        }),
  });
  if (probe !== undefined) probe.stats = () => hooks.stats();
  return hooks;
}
