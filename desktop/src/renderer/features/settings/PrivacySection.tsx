import { useId, useState } from 'react';
import { useClient } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import { describeError } from '../onboarding/errors.js';
import {
  LAST_SEEN_CHOICES,
  TIMER_CHOICES,
  chosenAccounts,
  lastSeenChoice,
  presenceOptions,
  timerLabel,
  type LastSeenChoice,
} from './privacy-choices.js';
import { SettingsSection, SwitchRow } from './settings-rows.js';
import { FormError } from '../../ui/FormError.js';

/** Read receipts, who sees last seen & online, and the timer new chats start with (kept by the engine). */
export function PrivacySection() {
  const client = useClient();
  const contacts = useContacts();
  const ids = { lastSeen: useId(), timer: useId() };
  const [privacy, setPrivacy] = useState(() => client.settings.privacy);
  const [choice, setChoice] = useState<LastSeenChoice>(() =>
    lastSeenChoice(client.settings.privacy.presence),
  );
  const [error, setError] = useState<string | undefined>();

  async function change(apply: () => Promise<void>) {
    setError(undefined);
    try {
      await apply();
    } catch (failure) {
      setError(describeError(failure));
    }
    setPrivacy(client.settings.privacy);
  }

  const chosen = chosenAccounts(privacy.presence);
  const setPresence = (next: LastSeenChoice, accounts: readonly string[]) => {
    setChoice(next);
    // "Only the contacts I choose" with nobody chosen yet shows the list first; nothing changes until a pick.
    if (next === 'chosen' && accounts.length === 0) return;
    void change(() => client.settings.setPresenceVisibility(presenceOptions(next, accounts)));
  };
  const timer = privacy.defaultDisappearingTimerMs;
  const timerChoices = TIMER_CHOICES.some((option) => option.ms === timer)
    ? TIMER_CHOICES
    : [...TIMER_CHOICES, { label: timerLabel(timer), ms: timer }];

  return (
    <SettingsSection title="Privacy">
      <SwitchRow
        label="Read receipts"
        hint="When off, your contacts do not see when you have read their messages."
        checked={privacy.readReceipts}
        onChange={(enabled) => void change(() => client.settings.setReadReceipts(enabled))}
      />
      <SwitchRow
        label="Relay-only calls and links"
        hint="Connections to contacts go through a TURN relay, so not even they learn your IP address. Without one, messages go through your relay."
        checked={privacy.relayOnlyLinks}
        onChange={(enabled) => void change(() => client.settings.setRelayOnlyLinks(enabled))}
      />
      <fieldset className="settings-choices">
        <legend id={ids.lastSeen}>Last seen &amp; online</legend>
        {LAST_SEEN_CHOICES.map((option) => (
          <label key={option.value} className="settings-choice">
            <input
              type="radio"
              name={ids.lastSeen}
              value={option.value}
              checked={choice === option.value}
              onChange={() => setPresence(option.value, option.value === 'chosen' ? chosen : [])}
            />
            {option.label}
          </label>
        ))}
        {choice === 'chosen' && (
          <ul className="settings-contacts" aria-label="Contacts who see when you are online">
            {contacts.size === 0 && <li className="hint">You have no contacts yet.</li>}
            {[...contacts.values()].map((contact) => (
              <li key={contact.account}>
                <label className="settings-choice">
                  <input
                    type="checkbox"
                    checked={chosen.includes(contact.account)}
                    onChange={(event) =>
                      setPresence(
                        'chosen',
                        event.target.checked
                          ? [...chosen, contact.account]
                          : chosen.filter((account) => account !== contact.account),
                      )
                    }
                  />
                  {contact.displayName}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <div className="settings-row">
        <div className="settings-row-text">
          <label htmlFor={ids.timer}>Default message timer</label>
          <p className="hint">New chats start with disappearing messages after this time.</p>
        </div>
        <select
          id={ids.timer}
          value={String(timer)}
          onChange={(event) => {
            const ms = event.target.value === 'null' ? null : Number(event.target.value);
            void change(() => client.settings.setDefaultDisappearingTimer(ms));
          }}
        >
          {timerChoices.map((option) => (
            <option key={String(option.ms)} value={String(option.ms)}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <FormError message={error} />
    </SettingsSection>
  );
}
