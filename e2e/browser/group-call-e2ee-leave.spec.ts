import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { callScreen, expectVideosDecoding, openConnectionStats } from './support/call-media.js';
import { everyoneInGroupCall } from './support/group-call-setup.js';
import { setTestOptions } from './support/test-options.js';

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
  readonly dropped: { readonly unknownKey: number; readonly failed: number };
  readonly keyIds: readonly number[];
  readonly unknownKeyIds: readonly number[];
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
    for (const person of everyone) await setTestOptions(person.page, { groupCallE2eeProbe: true });
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

/** What the page's eavesdropper (test hook) received and opened so far: video only. */
interface Flow {
  /** RTP video packets received by the page's open peer connections (the eavesdropper's). */
  readonly packets: number;
  readonly framesDecoded: number;
  /** Frames its receivers' transforms decrypted and passed on. */
  readonly passed: number;
  /** Frames dropped for naming a key it does not hold. */
  readonly unknownKey: number;
  readonly receivers: readonly Transform[];
}

async function eavesdropperFlow(page: Page): Promise<Flow> {
  const inbound = await openConnectionStats(page, 'inbound-rtp');
  const all = (await page.evaluate(
    async () =>
      (await (
        window as unknown as { __parleyGroupCallEavesdrop?: { stats?: () => Promise<unknown> } }
      ).__parleyGroupCallEavesdrop?.stats?.()) ?? [],
  )) as Transform[];
  const receivers = all.filter((transform) => transform.role === 'receiver' && transform.kind === 'video');
  return {
    packets: inbound.reduce((sum, stat) => sum + Number(stat['packetsReceived'] ?? 0), 0),
    framesDecoded: inbound.reduce((sum, stat) => sum + Number(stat['framesDecoded'] ?? 0), 0),
    passed: receivers.reduce((sum, transform) => sum + transform.passed, 0),
    unknownKey: receivers.reduce((sum, transform) => sum + transform.dropped.unknownKey, 0),
    receivers,
  };
}

test.describe('on a relay whose SFU forwards a call to someone unseen', () => {
  // The SFU's test-only `observers` setting: it plays the dishonest SFU of the threat model.
  test.use({ callServer: 'dishonest' });

  test('after Bob leaves, his old keys decrypt none of the others’ new frames, which a dishonest SFU still forwards him, while Alice and Carol keep decoding each other', async ({
    people,
  }) => {
    const everyone = await people('Alice', 'Bob', 'Carol');
    const [alice, bob, carol] = everyone;
    for (const person of everyone)
      await setTestOptions(person.page, {
        groupCallE2eeProbe: true,
        // Bob's page keeps the keys it held when it left (in memory, frozen) for the eavesdropper below.
        ...(person === bob ? { groupCallEavesdropAfterLeave: true } : {}),
      });
    await everyoneInGroupCall(everyone, GROUP);
    await expectVideosDecoding(alice.page, ['Bob', 'Carol']);
    await expectVideosDecoding(bob.page, ['Alice', 'Carol']);
    await expectVideosDecoding(carol.page, ['Alice', 'Bob']);
    // Bob holds keys of both (else "his keys open nothing" would prove nothing).
    await expect.poll(async () => Object.keys(await keysGiven(bob.page)).length, { timeout: 60_000 }).toBe(2);

    await callScreen(bob.page).getByRole('button', { name: 'Leave call' }).click();
    await expect(callScreen(bob.page)).toBeHidden();
    const bobKeys = await keysGiven(bob.page);
    for (const person of [alice, carol])
      await expect(callScreen(person.page).getByRole('figure')).toHaveCount(2, { timeout: 120_000 });

    // Bob, out of the call, has the SFU forward him everyone's media unseen (nobody rotates or sends him a
    // key for it), and tries the keys he held when he left on every frame.
    await bob.page.evaluate(async () => {
      const eavesdrop = (
        window as unknown as { __parleyGroupCallEavesdrop?: { start?: () => Promise<void> } }
      ).__parleyGroupCallEavesdrop;
      if (eavesdrop?.start === undefined) throw new Error('the eavesdrop hook is not set up');
      await eavesdrop.start();
    });
    const accounts = Object.keys(bobKeys).sort();
    await expect
      .poll(
        async () =>
          [...new Set((await eavesdropperFlow(bob.page)).receivers.map((r) => r.participantId))].sort(),
        { timeout: 60_000 },
      )
      .toEqual(accounts);

    // Over a stretch of 300+ video packets from both, not one frame decrypts or decodes: each names a key
    // Bob does not hold. (Frames sent before the others' switch to new keys, a second after he left, may
    // still open: the stretch starts again whenever a frame did.)
    let stretch: Flow | undefined;
    let now: Flow | undefined;
    await expect
      .poll(
        async () => {
          now = await eavesdropperFlow(bob.page);
          if (
            stretch === undefined ||
            now.passed !== stretch.passed ||
            now.framesDecoded !== stretch.framesDecoded
          ) {
            stretch = now;
            return false;
          }
          return now.packets - stretch.packets >= 300 && now.unknownKey > stretch.unknownKey;
        },
        { timeout: 120_000, message: 'Bob’s old keys kept opening frames sent after he left' },
      )
      .toBe(true);
    for (const receiver of now?.receivers ?? []) {
      const held = bobKeys[receiver.participantId ?? ''] ?? [];
      // The frames he cannot open name keys he was never given; any he opened (sent in the second before
      // the switch) named keys he held.
      expect(receiver.unknownKeyIds.length).toBeGreaterThan(0);
      for (const keyId of receiver.unknownKeyIds) expect(held).not.toContain(keyId);
      for (const keyId of receiver.keyIds) expect(held).toContain(keyId);
    }
    // And Alice and Carol now send under keys Bob never held.
    for (const person of [alice, carol]) {
      const streams = await videoKeys(person.page, bobKeys);
      expect(streams.length).toBeGreaterThanOrEqual(1);
      for (const stream of streams) expect(stream.bobHeld).toBe(false);
    }
    console.log(
      `Bob held ${JSON.stringify(bobKeys)}; his eavesdropper over the stretch: ${JSON.stringify({
        packets: (now?.packets ?? 0) - (stretch?.packets ?? 0),
        passed: (now?.passed ?? 0) - (stretch?.passed ?? 0),
        unknownKey: (now?.unknownKey ?? 0) - (stretch?.unknownKey ?? 0),
      })}; in all ${JSON.stringify({ packets: now?.packets, passed: now?.passed, framesDecoded: now?.framesDecoded })}`,
    );
    // Alice and Carol decode each other meanwhile.
    await expectVideosDecoding(alice.page, ['Carol']);
    await expectVideosDecoding(carol.page, ['Alice']);

    for (const person of [alice, carol]) {
      await callScreen(person.page).getByRole('button', { name: 'Leave call' }).click();
      await expect(callScreen(person.page)).toBeHidden();
    }
  });
});
