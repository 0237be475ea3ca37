import type { ParleyClient } from '@parley/core';
import type { GroupCallMediaHooks } from './media-hooks.js';

/**
 * The one place end-to-end frame encryption attaches to group calls: the hooks every sender and receiver of
 * a call passes through (media-hooks.ts). Until the frame-encryption transform lands, none: media are
 * protected hop by hop (DTLS-SRTP) between each browser and the SFU.
 */
export function groupCallMediaHooks(_client: ParleyClient, _groupId: string): GroupCallMediaHooks {
  return {};
}
