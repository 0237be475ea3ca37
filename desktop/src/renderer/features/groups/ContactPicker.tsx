import type { Contact } from '@parley/core';
import { Avatar, personSeed } from '../../ui/Avatar.js';

/** Contacts with a checkbox each (WhatsApp's "Add group members"); `exclude` hides who is already in. */
export function ContactPicker({
  contacts,
  selected,
  onChange,
  exclude = [],
}: {
  contacts: ReadonlyMap<string, Contact>;
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
  exclude?: readonly string[];
}) {
  const choices = [...contacts.values()]
    .filter((contact) => !exclude.includes(contact.account))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base' }));
  if (choices.length === 0) {
    return <p className="hint">No contacts to add yet. Add contacts by their link first.</p>;
  }
  return (
    <fieldset className="contact-picker">
      <legend className="visually-hidden">Contacts</legend>
      <ul>
        {choices.map((contact) => (
          <li key={contact.account}>
            <label className="contact-choice">
              <input
                type="checkbox"
                checked={selected.has(contact.account)}
                onChange={(event) => {
                  const next = new Set(selected);
                  if (event.target.checked) next.add(contact.account);
                  else next.delete(contact.account);
                  onChange(next);
                }}
              />
              <Avatar name={contact.displayName} seed={personSeed(contact.account)} size={36} />
              <span className="contact-choice-name">{contact.displayName}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
