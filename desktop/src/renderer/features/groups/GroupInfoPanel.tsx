import { useCallback, useId, useState } from 'react';
import { displayText, type GroupState } from '@parley/core';
import { useAsync, useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { Button, IconButton } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { AvatarPicker } from './AvatarPicker.js';
import { MemberList } from './MemberList.js';
import {
  describeGroupError,
  formerMemberNotice,
  groupAbilities,
  groupIdOf,
  type GroupAction,
} from './group-rules.js';
import { GROUP_NAME_MAX } from './NewGroupDialog.js';
import { useGroupState, useNameOf } from './use-group.js';
import './groups.css';

/**
 * WhatsApp's "Group info": picture and name (admins change them), the members with their "Admin" labels and
 * an admin's menu on each, "Add members", the invite link (copy, reset), and "Exit group".
 */
export function GroupInfoPanel({ params }: SurfaceProps) {
  const conversationId = params.conversationId ?? '';
  const groupId = groupIdOf(conversationId);
  const { state, loaded } = useGroupState(groupId);
  if (groupId === undefined || (loaded && state === undefined))
    return <p className="hint">This conversation is not a group this device knows.</p>;
  if (state === undefined || state.groupId !== groupId) return <p aria-busy="true" />;
  return <GroupInfo key={groupId} conversationId={conversationId} state={state} />;
}

function GroupInfo({ conversationId, state }: { conversationId: string; state: GroupState }) {
  const client = useClient();
  const { openDialog } = useNavigation();
  const nameOf = useNameOf();
  const self = client.account;
  const abilities = groupAbilities(state, self);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const run = useCallback((action: GroupAction, work: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    work().then(
      () => setBusy(false),
      (failure: unknown) => {
        setError(describeGroupError(action, failure));
        setBusy(false);
      },
    );
  }, []);

  const former = formerMemberNotice(state, self, nameOf);
  return (
    <div className="group-info">
      <section className="group-info-head" aria-label="Group name and picture">
        <AvatarPicker
          name={state.name}
          seed={conversationId}
          image={state.avatar}
          label="Change group picture"
          size={120}
          busy={busy || !abilities.participate}
          onPick={(avatar) => run('picture', () => client.groups.rename(state.groupId, state.name, avatar))}
        />
        <GroupName
          name={displayText(state.name)}
          editable={abilities.participate}
          onSave={(name) => run('rename', () => client.groups.rename(state.groupId, name))}
        />
        <p className="hint">
          Group · {state.members.length} member{state.members.length === 1 ? '' : 's'}
        </p>
      </section>
      {error !== undefined && (
        <p role="alert" className="form-error group-info-error">
          {error}
        </p>
      )}
      {former !== undefined && (
        <p role="status" className="group-former">
          {former}
        </p>
      )}
      <section className="group-info-section" aria-label="Members">
        <h3>
          {state.members.length} member{state.members.length === 1 ? '' : 's'}
        </h3>
        {abilities.manage && (
          <button
            type="button"
            className="group-row-button"
            onClick={() => openDialog('group-add-members', { conversationId })}
          >
            <span className="group-row-icon" aria-hidden="true">
              <Icon name="add" size={22} />
            </span>
            Add members
          </button>
        )}
        <MemberList conversationId={conversationId} state={state} self={self} nameOf={nameOf} run={run} />
      </section>
      {abilities.participate && (
        <InviteLink conversationId={conversationId} state={state} canReset={abilities.manage} run={run} />
      )}
      {abilities.leave && (
        <section className="group-info-section">
          <Button
            variant="danger"
            className="group-exit"
            onClick={() => openDialog('group-confirm', { conversationId, action: 'leave' })}
          >
            Exit group
          </Button>
        </section>
      )}
    </div>
  );
}

function GroupName({
  name,
  editable,
  onSave,
}: {
  name: string;
  editable: boolean;
  onSave: (name: string) => void;
}) {
  const [draft, setDraft] = useState<string | undefined>();
  if (draft === undefined) {
    return (
      <div className="group-name-row">
        <h3 className="group-name">{name}</h3>
        {editable && <IconButton icon="edit" label="Edit group name" onClick={() => setDraft(name)} />}
      </div>
    );
  }
  const save = () => {
    const next = draft.trim();
    setDraft(undefined);
    if (next !== '' && next !== name) onSave(next);
  };
  return (
    <form
      className="group-name-row"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <input
        aria-label="Group name"
        value={draft}
        maxLength={GROUP_NAME_MAX}
        autoFocus
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            setDraft(undefined);
          }
        }}
      />
      <Button type="submit">Save</Button>
    </form>
  );
}

/**
 * The invite link, fetched when asked for (the engine refuses it to non-admins) and again after every
 * change of the group, so a reset shows the new link at once.
 */
function InviteLink({
  conversationId,
  state,
  canReset,
  run,
}: {
  conversationId: string;
  state: GroupState;
  canReset: boolean;
  run: (action: GroupAction, work: () => Promise<unknown>) => void;
}) {
  const client = useClient();
  const { openDialog } = useNavigation();
  const linkId = useId();
  const [shown, setShown] = useState(false);
  const [copied, setCopied] = useState(false);
  const { value: link, error } = useAsync(
    async () => (shown ? client.groups.inviteLink(state.groupId) : undefined),
    [client, shown, state.groupId, state.inviteToken],
  );
  return (
    <section className="group-info-section" aria-label="Invite link">
      {!shown ? (
        <button type="button" className="group-row-button" onClick={() => setShown(true)}>
          <span className="group-row-icon" aria-hidden="true">
            <Icon name="link" size={22} />
          </span>
          Invite via link
        </button>
      ) : error !== undefined ? (
        <p role="alert" className="form-error">
          {describeGroupError('invite', error)}
        </p>
      ) : link !== undefined ? (
        <div className="group-invite">
          <label htmlFor={linkId}>Anyone with this link can ask to join this group</label>
          <textarea
            id={linkId}
            className="group-link-text"
            readOnly
            rows={4}
            value={link}
            onFocus={(event) => event.target.select()}
          />
          <div className="modal-actions">
            {canReset && (
              <Button
                variant="secondary"
                onClick={() => openDialog('group-confirm', { conversationId, action: 'reset-invite' })}
              >
                Reset link
              </Button>
            )}
            <Button
              onClick={() =>
                run('invite', async () => {
                  await navigator.clipboard.writeText(link);
                  setCopied(true);
                })
              }
            >
              {copied ? 'Copied' : 'Copy link'}
            </Button>
          </div>
        </div>
      ) : (
        <p aria-busy="true" className="hint">
          Loading the link…
        </p>
      )}
    </section>
  );
}
