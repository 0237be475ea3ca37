import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { next, scenario, pattern } from './support/harness.js';
import { aliceWithLaptopAndBob } from './support/linked-devices.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);
describe('linked devices: files', () => {
  it('sends a file to a contact with two devices, and it shows on our other device', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    const bytes = pattern(200 * 1024);
    const arrived = next(bob.c, 'file');
    const onLaptop = next(laptop.c, 'file');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'a.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    expect((await arrived).bytes).toEqual(bytes);
    const lap = await onLaptop;
    expect(lap.messageId).toBe(messageId);
    expect(lap.bytes).toEqual(bytes);
  });
});
