import type { Person } from './people.js';
import { addEachOther, onboard } from './ui.js';

/**
 * Opens people (the `people` fixture), onboards each under their name and has everyone add everyone by
 * contact link, the later-named first (as `befriend` does): by the time the first-named adds someone they
 * have already added her, so her presence request is allowed at once.
 */
export async function openFriends<Names extends readonly string[]>(
  people: (...names: string[]) => Promise<Person[]>,
  ...names: Names
): Promise<{ [K in keyof Names]: Person }> {
  const opened = await people(...names);
  if (opened.length !== names.length) throw new Error('people did not open');
  for (const person of opened) await onboard(person.page, person.name);
  await addEachOther([...opened].reverse());
  return opened as unknown as { [K in keyof Names]: Person }; // one Person per name, in order (checked above)
}
