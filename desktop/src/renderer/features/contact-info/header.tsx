import type { ConversationSlotProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { FeatureIcon } from './icons.js';
import { useVerification } from './use-verification.js';
import './contact-info.css';

/** "Contact info" in a one-to-one conversation's header: opens the panel with the safety number. */
export function ContactInfoButton({ conversation }: ConversationSlotProps) {
  const { openPanel } = useNavigation();
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  if (peer === undefined) return null;
  return (
    <button
      type="button"
      className="icon-button"
      aria-label="Contact info"
      title="Contact info"
      onClick={() => openPanel('contact-info', { account: peer })}
    >
      <FeatureIcon name="info" />
    </button>
  );
}

/** A shield in the header once the person compared safety numbers with this contact. */
export function VerifiedBadge({ conversation }: ConversationSlotProps) {
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  const state = useVerification(peer);
  if (state !== 'verified') return null;
  return (
    <span className="verified-badge" role="img" aria-label="Verified contact" title="Safety number verified">
      <FeatureIcon name="verified" size={20} />
    </span>
  );
}
