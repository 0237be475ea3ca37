import { lazy, Suspense, useEffect, useState } from 'react';
import { useClient, useProfile } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import { useNavigation } from '../../app/navigation.js';
import { Avatar, personSeed } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/Button.js';
import { contactStatusGroups, myStatuses, type RingState } from './status-rings.js';
import { useStatuses } from './use-statuses.js';
import './status.css';

const StatusViewer = lazy(() =>
  import('./StatusViewer.dom.js').then((module) => ({ default: module.StatusViewer })),
);

/**
 * The strip above the chat list: "My status" (post one, or watch mine and who viewed them) and every contact
 * with live statuses, ringed in colour while something of theirs is unopened, in grey once all were seen.
 */
export function StatusStrip() {
  const client = useClient();
  const profile = useProfile();
  const contacts = useContacts();
  const statuses = useStatuses() ?? [];
  const { openDialog } = useNavigation();
  const [viewing, setViewing] = useState<string | undefined>();
  const now = Date.now();
  const self = client.account;
  const mine = myStatuses(statuses, self, now);
  const groups = contactStatusGroups(statuses, self, now);
  const nameOf = (account: string) =>
    account === self
      ? profile.displayName
      : (contacts.get(account)?.displayName ?? `${account.slice(0, 8)}…`);
  const viewed =
    viewing === undefined
      ? undefined
      : viewing === self
        ? mine
        : groups.find((g) => g.author === viewing)?.statuses;
  const nothingLeft = viewing !== undefined && (viewed === undefined || viewed.length === 0);
  useEffect(() => {
    // Everything the viewer was playing expired: close it rather than reopen on that person's next status.
    if (nothingLeft) setViewing(undefined);
  }, [nothingLeft]);

  return (
    <section className="status-strip" aria-label="Status updates">
      <ul className="status-list">
        <li className="status-item">
          <button
            type="button"
            className="status-person"
            onClick={() => (mine.length === 0 ? openDialog('status-compose') : setViewing(self))}
          >
            <Ring state={mine.length === 0 ? 'none' : 'mine'}>
              <Avatar
                name={profile.displayName}
                seed={personSeed(client.account)}
                image={profile.avatar}
                size={44}
              />
            </Ring>
            {/* Named by what it shows (WCAG 2.5.3, label in name), the count for screen readers only. */}
            <span className="status-name">
              My status
              <span className="visually-hidden">
                {mine.length === 0 ? ', none posted' : `, ${mine.length} posted`}
              </span>
            </span>
          </button>
          <IconButton
            icon="add"
            label="Post a status"
            className="status-add"
            onClick={() => openDialog('status-compose')}
          />
        </li>
        {groups.map((group) => {
          const name = nameOf(group.author);
          return (
            <li className="status-item" key={group.author}>
              <button
                type="button"
                className="status-person"
                data-ring={group.ring}
                onClick={() => setViewing(group.author)}
              >
                <Ring state={group.ring}>
                  <Avatar name={name} seed={client.conversations.direct(group.author)} size={44} />
                </Ring>
                <span className="status-name">
                  <span className="visually-hidden">Status from </span>
                  {name}
                  <span className="visually-hidden">{group.ring === 'unseen' ? ', new' : ', seen'}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {viewing !== undefined && viewed !== undefined && viewed.length > 0 && (
        <Suspense fallback={null}>
          <StatusViewer
            author={viewing}
            name={viewing === self ? 'My status' : nameOf(viewing)}
            mine={viewing === self}
            statuses={viewed}
            nameOf={nameOf}
            onClose={() => setViewing(undefined)}
          />
        </Suspense>
      )}
    </section>
  );
}

function Ring({ state, children }: { state: RingState | 'mine' | 'none'; children: React.ReactNode }) {
  return <span className={`status-ring status-ring-${state}`}>{children}</span>;
}
