import type { OpenPeople, PeopleNamed, Person } from './people.js';
import { addEachOther, onboard } from './ui.js';

/**
 * Opens people (the `people` fixture), onboards each under their name and has everyone add everyone by
 * contact link, the later-named first (as `befriend` does): by the time the first-named adds someone they
 * have already added her, so her presence request is allowed at once.
 */
export async function openFriends<const Names extends readonly string[]>(
  people: OpenPeople,
  ...names: Names
): Promise<PeopleNamed<Names>> {
  const opened = await people(...names);
  const everyone: readonly Person[] = opened;
  for (const person of everyone) await onboard(person.page, person.name);
  await addEachOther([...everyone].reverse());
  return opened;
}
