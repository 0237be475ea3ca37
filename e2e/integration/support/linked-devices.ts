import { startAll, until, type DeviceOptions, type TestDevice } from './harness.js';

/** Relay only, and contacts' device lists fetched before every send (no cache), so no step waits on time. */
export const LINKED_OPTIONS: DeviceOptions = { direct: false, tuning: { deviceListTtlMs: 0 } };

/** Links a fresh device `name` to `primary`'s account the way the linking flow will, and waits for it. */
export async function linkedTo(
  device: (name: string, options?: DeviceOptions) => TestDevice,
  name: string,
  primary: TestDevice,
): Promise<TestDevice> {
  const linked = device(name, LINKED_OPTIONS);
  await linked.startLinkedTo(primary);
  await until(() => linked.c.connected, `${name} to connect`);
  return linked;
}

/** Alice and Bob are contacts; Alice then links her laptop (device 2). */
export async function aliceWithLaptopAndBob(
  device: (name: string, options?: DeviceOptions) => TestDevice,
): Promise<{ alice: TestDevice; bob: TestDevice; laptop: TestDevice }> {
  const alice = device('alice', LINKED_OPTIONS);
  const bob = device('bob', LINKED_OPTIONS);
  await startAll(alice, bob);
  const laptop = await linkedTo(device, 'alice-laptop', alice);
  return { alice, bob, laptop };
}
