import type { ConversationSlotProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';

const GROUP_PATH =
  'M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0c-.3 0-.6 0-1 .1 1.2.8 2 2 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z';
const INFO_PATH = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z';

/** An icon button with this feature's own glyphs (the shared icon set stays untouched). */
function GlyphButton({ path, label, onClick }: { path: string; label: string; onClick: () => void }) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={label} onClick={onClick}>
      <svg className="icon" width={24} height={24} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d={path} fill="currentColor" />
      </svg>
    </button>
  );
}

export function NewGroupButton() {
  const { openDialog } = useNavigation();
  return <GlyphButton path={GROUP_PATH} label="New group" onClick={() => openDialog('new-group')} />;
}

export function GroupInfoButton({ conversation }: ConversationSlotProps) {
  const { openPanel } = useNavigation();
  if (conversation.kind !== 'group') return null;
  return (
    <GlyphButton
      path={INFO_PATH}
      label="Group info"
      onClick={() => openPanel('group-info', { conversationId: conversation.id })}
    />
  );
}
