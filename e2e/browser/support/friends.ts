import type { Person } from './people.js';
import { addEachOther, onboard } from './ui.js';

/**
 * Opens people (the `people` fixture), onboards each under their name and has everyone add everyone by
 * contact link; each ends in the chat with the last person they added.
 */
export async function openFriends<Names extends readonly string[]>(
  people: (...names: string[]) => Promise<Person[]>,
  ...names: Names
): Promise<{ [K in keyof Names]: Person }> {
  const opened = await people(...names);
  if (opened.length !== names.length) throw new Error('people did not open');
  for (const person of opened) await onboard(person.page, person.name);
  await addEachOther(opened);
  return opened as unknown as { [K in keyof Names]: Person }; // one Person per name, in order (checked above)
}
