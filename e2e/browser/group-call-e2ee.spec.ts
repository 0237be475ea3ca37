import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { callScreen, expectVideosDecoding, openConnectionStats, remoteFrames } from './support/call-media.js';
import { everyoneInGroupCall } from './support/group-call-setup.js';
import { setTestOptions } from './support/test-options.js';

/*
 * End-to-end encrypted media through the real SFU: the SFU forwards every participant's packets to everyone,
 * and only a holder of the sender's frame key decodes them. Carol is a participant without the frame keys
 * (the app's test hook `parleyTestOptions.groupCallWithoutFrameKeys`: her device ignores the keys the others
 * send her). Real relay, real SFU and worker, Chromium's fake devices, loopback only.
 */

test.describe.configure({ timeout: 900_000 });

const GROUP = 'Reading group';

/** Video packets received on `page` so far, over all its inbound video streams. */
async function videoPacketsReceived(page: Page): Promise<number> {
  const inbound = await openConnectionStats(page, 'inbound-rtp');
  return inbound.reduce((sum, stat) => sum + Number(stat['packetsReceived'] ?? 0), 0);
}

test.describe('on a relay with an SFU', () => {
  test.use({ callServer: 'trusting' });

  test('a participant without the frame keys receives everyone’s packets and decodes none, while the others decode', async ({
    people,
  }) => {
    const everyone = await people('Alice', 'Bob', 'Carol');
    const [alice, bob, carol] = everyone;
    await setTestOptions(carol.page, { groupCallWithoutFrameKeys: true });
    await everyoneInGroupCall(everyone, GROUP);

    // Alice and Bob hold each other's keys (and Carol's): they decode every video.
    await expectVideosDecoding(alice.page, ['Bob', 'Carol']);
    await expectVideosDecoding(bob.page, ['Alice', 'Carol']);

    // Carol gets the same packets from the SFU, and plenty of them, yet her decoders never get a frame.
    const start = await videoPacketsReceived(carol.page);
    await expect
      .poll(() => videoPacketsReceived(carol.page), { timeout: 120_000 })
      .toBeGreaterThan(start + 300);
    const tiles = await remoteFrames(carol.page);
    expect(Object.keys(tiles).sort()).toEqual(['Alice', 'Bob']);
    for (const tile of Object.values(tiles))
      expect(tile).toMatchObject({ track: expect.any(String), frames: 0 });
    // And the others still decode meanwhile.
    await expectVideosDecoding(alice.page, ['Bob', 'Carol']);

    for (const person of everyone) {
      await callScreen(person.page).getByRole('button', { name: 'Leave call' }).click();
      await expect(callScreen(person.page)).toBeHidden();
    }
  });
});
