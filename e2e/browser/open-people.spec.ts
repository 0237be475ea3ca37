import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { expect, test } from '@playwright/test';
import { assertChromium } from './support/chromium.js';
import { openPeople } from './support/people.js';
import { freePort } from './support/ports.js';

/*
 * The scenarios' way of opening people: when someone's browser cannot load the web client, the scenario stops
 * at once with an error naming them, and leaves no browser or profile folder behind.
 */

const profilesOf = async (names: readonly string[]) =>
  (await readdir(tmpdir())).filter((entry) =>
    names.some((name) => entry.startsWith(`parley-${name.toLowerCase()}-`)),
  );

test('people whose browsers cannot load the web client are named, and nothing of them is left', async () => {
  assertChromium();
  // Names no other scenario uses, so another run's profile folders cannot be mistaken for these.
  const names = ['Nobody-home-a', 'Nobody-home-b'] as const;
  // Nothing listens there: loading the page fails in both browsers.
  const url = `http://127.0.0.1:${await freePort()}/`;

  const error = await openPeople(names, url).then(
    () => undefined,
    (reason: unknown) => reason,
  );

  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/^Nobody-home-a, Nobody-home-b did not open:\n/);
  expect((error as Error).message).toContain('ERR_CONNECTION_REFUSED');
  expect(await profilesOf(names)).toEqual([]);
});
