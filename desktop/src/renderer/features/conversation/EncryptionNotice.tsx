import type { Conversation } from '@parley/core';
import { useNavigation } from '../../app/navigation.js';
import { Icon } from '../../ui/Icon.js';
import './encryption-notice.css';

/**
 * The first thing in every conversation (WhatsApp's and Signal's yellow note): what end-to-end encryption
 * means here, that not even the relay can read it, and for a direct chat the way to check it: the safety
 * number in contact info.
 */
export function EncryptionNotice({ conversation }: { conversation: Conversation }) {
  const { openPanel } = useNavigation();
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  return (
    <div className="encryption-notice" role="note" aria-label="End-to-end encryption">
      <Icon name="lock" size={14} /> Messages and calls are end-to-end encrypted. No one outside this chat,
      not even the relay that carries them, can read or listen to them.{' '}
      {peer !== undefined && (
        <button
          type="button"
          className="text-button"
          onClick={() => openPanel('contact-info', { account: peer })}
        >
          Verify the safety number
        </button>
      )}
    </div>
  );
}
