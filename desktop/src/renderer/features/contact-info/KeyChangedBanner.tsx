import type { ConversationSlotProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { FeatureIcon } from './icons.js';
import { keyChangeWarning } from './safety-number.js';
import { useVerification } from './use-verification.js';
import './contact-info.css';

/**
 * The warning over a conversation whose verified contact now uses another identity key (a reinstall, or
 * someone in the middle): it stays until the person verifies the new safety number.
 */
export function KeyChangedBanner({ conversation }: ConversationSlotProps) {
  const { openPanel } = useNavigation();
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  const warning = keyChangeWarning(useVerification(peer), conversation.title);
  if (peer === undefined || warning === undefined) return null;
  return (
    <div className="key-changed-banner" role="alert">
      <FeatureIcon name="warning" size={20} />
      <p>{warning}</p>
      <button type="button" onClick={() => openPanel('contact-info', { account: peer })}>
        Verify…
      </button>
    </div>
  );
}
