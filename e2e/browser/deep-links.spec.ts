import { generateIdentity, identityString, parseContactLink } from '@parley/core';
import { expect, test } from './support/fixtures.js';
import { addContact, chatRow, myContactLink, onboard, unlock } from './support/ui.js';

interface LinkParts {
  account: string;
  relayUrl: string;
  displayName: string;
}

/**
 * The desktop shell hands the renderer `parley://contact` links it was opened with (issue 9, item 6). Here the
 * shell's two entry points are stood in for before the web client loads: links pending at start, and one
 * delivered while it runs. Anyone can make such a link, so the app asks first and never changes a contact it
 * knows.
 */
test('a parley://contact deep link asks before adding, and leaves a known contact as it is', async ({
  people,
  relay,
}) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await addContact(alice.page, await myContactLink(bob.page));
  await expect(chatRow(alice.page, 'Bob')).toBeVisible();

  const bobAccount = parseContactLink(await myContactLink(bob.page)).account;
  const forged: LinkParts = {
    account: bobAccount,
    relayUrl: 'wss://relay.mallory.example',
    displayName: 'Bob (new number)',
  };
  await alice.page.addInitScript(
    (pending: LinkParts[]) => {
      const shell = window as unknown as Record<string, unknown>;
      shell['parley'] = {
        takePendingContactLinks: () => Promise.resolve(pending),
        onContactLink: (deliver: (link: LinkParts) => void) => {
          shell['deliverContactLink'] = deliver;
          return () => undefined;
        },
      };
    },
    [forged],
  );
  await alice.page.reload();
  await unlock(alice.page);

  const known = alice.page.getByRole('dialog', { name: 'Already a contact' });
  await expect(known).toContainText('This link gives another name and relay; it is not used.');
  await known.getByRole('button', { name: 'Cancel' }).click();
  await expect(known).toBeHidden();
  await expect(chatRow(alice.page, 'Bob')).toBeVisible();
  await expect(chatRow(alice.page, 'Bob (new number)')).toHaveCount(0);

  // A link to someone new: nothing is added until Alice confirms.
  const carol: LinkParts = {
    account: identityString(generateIdentity().identityKey),
    relayUrl: relay.url,
    displayName: 'Carol',
  };
  await alice.page.evaluate((link) => {
    const deliver = (window as unknown as Record<string, (link: unknown) => void>)['deliverContactLink'];
    deliver?.(link);
  }, carol);
  const ask = alice.page.getByRole('dialog', { name: 'Add contact?' });
  await expect(ask).toContainText('Carol');
  await expect(chatRow(alice.page, 'Carol')).toHaveCount(0);
  await ask.getByRole('button', { name: 'Add contact' }).click();
  await expect(chatRow(alice.page, 'Carol')).toBeVisible();
});
