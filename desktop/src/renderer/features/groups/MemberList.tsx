import { useEffect, useRef, useState } from 'react';
import type { GroupState } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { useOwnProfile } from '../../app/own-profile.js';
import { useNavigation } from '../../app/navigation.js';
import { Avatar, personSeed } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/Button.js';
import { memberActions, memberRows, type GroupAction, type MemberRow } from './group-rules.js';

/** The members, "You" first, admins labelled; an admin gets a menu on everyone else's row. */
export function MemberList({
  conversationId,
  state,
  self,
  nameOf,
  run,
}: {
  conversationId: string;
  state: GroupState;
  self: string;
  nameOf: (account: string) => string;
  run: (action: GroupAction, work: () => Promise<unknown>) => void;
}) {
  const rows = memberRows(state, self, nameOf);
  return (
    <ul className="group-members" aria-label="Group members">
      {rows.map((row) => (
        <MemberItem
          key={row.account}
          row={row}
          conversationId={conversationId}
          state={state}
          self={self}
          run={run}
        />
      ))}
    </ul>
  );
}

function MemberItem({
  row,
  conversationId,
  state,
  self,
  run,
}: {
  row: MemberRow;
  conversationId: string;
  state: GroupState;
  self: string;
  run: (action: GroupAction, work: () => Promise<unknown>) => void;
}) {
  const client = useClient();
  const profile = useOwnProfile();
  const { openDialog } = useNavigation();
  const actions = memberActions(state, self, row.account);
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);
  const hasMenu = actions.makeAdmin || actions.remove;
  return (
    <li className="group-member" aria-label={row.admin ? `${row.name}, admin` : row.name}>
      <Avatar
        name={row.name}
        seed={personSeed(row.account)}
        image={row.account === self ? profile.avatar : undefined}
        size={40}
      />
      <span className="group-member-name">{row.name}</span>
      {row.admin && <span className="admin-badge">Admin</span>}
      {hasMenu && (
        <div className="member-menu-anchor">
          <IconButton
            icon="more"
            label={`Options for ${row.name}`}
            aria-haspopup="menu"
            aria-expanded={open}
            onClick={() => setOpen((value) => !value)}
          />
          {open && (
            <div
              ref={menu}
              className="member-menu"
              role="menu"
              aria-label={`Options for ${row.name}`}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.stopPropagation();
                  setOpen(false);
                }
              }}
              onBlur={(event) => {
                if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
              }}
            >
              {actions.makeAdmin && (
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setOpen(false);
                    run('make-admin', () => client.groups.promote(state.groupId, row.account));
                  }}
                >
                  Make group admin
                </button>
              )}
              {actions.remove && (
                <button
                  type="button"
                  role="menuitem"
                  className="danger"
                  onClick={() => {
                    setOpen(false);
                    openDialog('group-confirm', { conversationId, action: 'remove', account: row.account });
                  }}
                >
                  Remove {row.name}
                </button>
              )}
            </div>
          )}
        </div>
      )}
    </li>
  );
}
