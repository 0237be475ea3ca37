import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { callScreen, expectVideosDecoding } from './support/call-media.js';
import { everyoneInGroupCall } from './support/group-call-setup.js';

/*
 * Key rotation on leave through the real SFU: once Bob leaves, Alice and Carol encrypt under new frame keys
 * they send only to each other, so everything sent after he left is under keys Bob never held. The app's test
 * hook `parleyTestOptions.groupCallE2eeProbe` has every page keep the ids of the frame keys it was given (per
 * participant, kept after the call ends) and expose the call's transform stats (key ids in use per sender and
 * receiver, frames passed and dropped). Real relay, real SFU and worker, Chromium's fake
 * devices, loopback only.
 */

test.describe.configure({ timeout: 900_000 });

const GROUP = 'Reading group';

interface Transform {
  readonly role: 'sender' | 'receiver';
  readonly kind: 'audio' | 'video';
  readonly participantId?: string;
  readonly passed: number;
  readonly keyIds: readonly number[];
}

type KeysGiven = Record<string, number[]>;

interface Probe {
  readonly keysGiven: KeysGiven;
  stats?: () => Promise<Transform[]>;
}

async function keysGiven(page: Page): Promise<KeysGiven> {
  return page.evaluate(
    () => (window as unknown as { __parleyGroupCallE2ee?: Probe }).__parleyGroupCallE2ee?.keysGiven ?? {},
  );
}

async function transforms(page: Page): Promise<Transform[]> {
  return page.evaluate(
    async () =>
      (await (window as unknown as { __parleyGroupCallE2ee?: Probe }).__parleyGroupCallE2ee?.stats?.()) ?? [],
  );
}

/**
 * Per video stream of `page` whose sender is in `senders` (participant → the key ids Bob was given for it):
 * the participant, the key id it last passed a frame under, whether Bob held that key, and frames passed.
 * A page's own sender counts as the one participant of `senders` none of its receivers belongs to.
 */
async function videoKeys(
  page: Page,
  senders: KeysGiven,
): Promise<{ participant: string; keyId: number | undefined; bobHeld: boolean; passed: number }[]> {
  const all = (await transforms(page)).filter((transform) => transform.kind === 'video');
  const received = new Set(all.flatMap((transform) => transform.participantId ?? []));
  const own = Object.keys(senders).filter((participant) => !received.has(participant));
  return all.flatMap((transform) => {
    const participant = transform.role === 'sender' ? own[0] : transform.participantId;
    if (participant === undefined || senders[participant] === undefined) return [];
    const keyId = transform.keyIds.at(-1);
    const bobHeld = keyId !== undefined && senders[participant].includes(keyId);
    return [{ participant, keyId, bobHeld, passed: transform.passed }];
  });
}

test.describe('on a relay with an SFU', () => {
  test.use({ callServer: 'trusting' });

  test('after Bob leaves, the others encrypt and decrypt new frames only under keys Bob was never given', async ({
    people,
  }) => {
    const everyone = await people('Alice', 'Bob', 'Carol');
    const [alice, bob, carol] = everyone;
    if (alice === undefined || bob === undefined || carol === undefined)
      throw new Error('people did not open');
    for (const person of everyone)
      await person.page.addInitScript(() => {
        (window as unknown as { parleyTestOptions: object }).parleyTestOptions = { groupCallE2eeProbe: true };
      });
    await everyoneInGroupCall(everyone, GROUP);
    await expectVideosDecoding(alice.page, ['Bob', 'Carol']);
    await expectVideosDecoding(bob.page, ['Alice', 'Carol']);
    await expectVideosDecoding(carol.page, ['Alice', 'Bob']);

    // While Bob is in, Alice and Carol send under keys Bob holds (else the check below proves nothing).
    await expect.poll(async () => Object.keys(await keysGiven(bob.page)).length, { timeout: 60_000 }).toBe(2);
    for (const person of [alice, carol])
      await expect
        .poll(
          async () => {
            const streams = await videoKeys(person.page, await keysGiven(bob.page));
            return streams.length >= 2 && streams.every((stream) => stream.bobHeld && stream.passed > 0);
          },
          { timeout: 60_000 },
        )
        .toBe(true);
    const before = await videoKeys(alice.page, await keysGiven(bob.page));

    await callScreen(bob.page).getByRole('button', { name: 'Leave call' }).click();
    await expect(callScreen(bob.page)).toBeHidden();
    // Everything Bob's device was ever given, read once he is out of the call.
    const bobKeys = await keysGiven(bob.page);
    for (const person of [alice, carol])
      await expect(callScreen(person.page).getByRole('figure')).toHaveCount(2, { timeout: 120_000 });

    // Alice's and Carol's senders and receivers move to keys Bob never held, and frames keep passing under them.
    for (const person of [alice, carol]) {
      await expect
        .poll(
          async () => {
            const streams = await videoKeys(person.page, bobKeys);
            return streams.length >= 2 && streams.every((stream) => !stream.bobHeld);
          },
          { timeout: 60_000 },
        )
        .toBe(true);
      const rotated = await videoKeys(person.page, bobKeys);
      await expect
        .poll(
          async () => {
            const now = await videoKeys(person.page, bobKeys);
            return rotated.every((stream) =>
              now.some(
                (later) =>
                  later.participant === stream.participant &&
                  !later.bobHeld &&
                  later.passed > stream.passed + 50,
              ),
            );
          },
          { timeout: 120_000 },
        )
        .toBe(true);
    }
    const after = await videoKeys(alice.page, bobKeys);
    console.log(
      `Bob was given ${JSON.stringify(bobKeys)}; Alice's video before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
    );
    await expectVideosDecoding(alice.page, ['Carol']);
    await expectVideosDecoding(carol.page, ['Alice']);

    for (const person of [alice, carol]) {
      await callScreen(person.page).getByRole('button', { name: 'Leave call' }).click();
      await expect(callScreen(person.page)).toBeHidden();
    }
  });
});
