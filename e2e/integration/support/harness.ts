import type { ParleyClient, ParleyClientEvents } from '@parley/core';
import type { RelayConfig } from '@parley/relay';
import { TestDevice, type DeviceOptions } from './test-device.js';
import { TestRelay } from './test-relay.js';

// The relay and the device live in their own modules; suites import them from here, with the scenario.
export { FAST, TestDevice, type DeviceOptions } from './test-device.js';
export { TestRelay } from './test-relay.js';

/** Resolves with the first `event` payload that satisfies `match`. */
export function next<K extends keyof ParleyClientEvents>(
  client: ParleyClient,
  event: K,
  match: (payload: ParleyClientEvents[K]) => boolean = () => true,
): Promise<ParleyClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Collects every `event` payload from now on. */
export function collect<K extends keyof ParleyClientEvents>(
  client: ParleyClient,
  event: K,
): ParleyClientEvents[K][] {
  const seen: ParleyClientEvents[K][] = [];
  client.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Waits until `check` holds, re-checking whenever `client` emits anything relevant (and at most every 20 ms). */
export async function until(check: () => Promise<boolean> | boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two devices that know each other, both connected. */
export async function pair(a: TestDevice, b: TestDevice): Promise<void> {
  const [ca, cb] = [a.c, b.c];
  await until(() => ca.connected && cb.connected, 'both clients to connect');
  await ca.contacts.add(cb.profile.contactLink());
  await cb.contacts.add(ca.profile.contactLink());
}

/** A relay per test and the devices it created, all closed after the test. */
export function scenario(): {
  relay: () => TestRelay;
  device: (name: string, options?: DeviceOptions) => TestDevice;
  setup: () => Promise<void>;
  /** A relay with this configuration (an access policy, say) instead of the default one. */
  setupWith: (config: Partial<RelayConfig>) => Promise<void>;
  teardown: () => Promise<void>;
} {
  let relay: TestRelay | undefined;
  let devices: TestDevice[] = [];
  return {
    relay: () => {
      if (relay === undefined) throw new Error('no relay');
      return relay;
    },
    device: (name, options) => {
      if (relay === undefined) throw new Error('no relay');
      const created = new TestDevice(name, relay, options);
      devices.push(created);
      return created;
    },
    setup: async () => {
      relay = await TestRelay.start();
    },
    setupWith: async (config) => {
      relay = await TestRelay.start(config);
    },
    teardown: async () => {
      for (const device of devices) await device.stop();
      devices = [];
      await relay?.destroy();
      relay = undefined;
    },
  };
}

/** `admin` creates a group with `members` and waits until each member holds it; resolves the group id. */
export async function groupOf(admin: TestDevice, name: string, members: TestDevice[]): Promise<string> {
  const conversation = await admin.c.groups.create(
    name,
    members.map((member) => member.c.account),
  );
  const groupId = conversation.slice('group:'.length);
  for (const member of members)
    await until(
      async () => (await member.c.groups.get(groupId)) !== undefined,
      `${member.name} to learn the group`,
    );
  return groupId;
}

/** Starts each device and makes every pair contacts of each other. */
export async function startAll(...devices: TestDevice[]): Promise<void> {
  for (const device of devices) await device.start();
  for (let i = 0; i < devices.length; i++) {
    for (let j = i + 1; j < devices.length; j++) await pair(devices[i]!, devices[j]!);
  }
}

/** Bytes of a recognisable, non-repeating-per-chunk pattern (files whose every byte is checked). */
export function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}
