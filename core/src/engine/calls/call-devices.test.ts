import { describe, expect, it } from 'vitest';
import { CallDevices } from './call-devices.js';

const callId = 'a'.repeat(32);
const phone = { name: 'alice', deviceId: 1 };
const laptop = { name: 'alice', deviceId: 2 };
const tablet = { name: 'alice', deviceId: 3 };

describe('CallDevices', () => {
  it('binds an outgoing call to the first device that answers and stops the others as answered elsewhere', () => {
    const devices = new CallDevices();
    devices.rang(callId, [phone, laptop, tablet]);
    expect(devices.targets(callId)).toEqual([phone, laptop, tablet]);
    expect(devices.admit(laptop, { type: 'accept', callId })).toEqual({
      admit: true,
      stop: { devices: [phone, tablet], elsewhere: 'answered' },
    });
    expect(devices.targets(callId)).toEqual([laptop]);
    // A second answer, from a device that lost the race, changes nothing.
    expect(devices.admit(phone, { type: 'accept', callId })).toEqual({ admit: false });
    expect(devices.admit(phone, { type: 'answer', callId, sdp: 'x' })).toEqual({ admit: false });
  });

  it('declines for every device when one declines, as WhatsApp does', () => {
    const devices = new CallDevices();
    devices.rang(callId, [phone, laptop]);
    expect(devices.admit(phone, { type: 'decline', callId })).toEqual({
      admit: true,
      stop: { devices: [laptop], elsewhere: 'declined' },
    });
  });

  it('hears nothing about a call from a device it did not ring, nor an incoming call from another device', () => {
    const devices = new CallDevices();
    devices.rang(callId, [phone]);
    expect(devices.admit({ name: 'mallory', deviceId: 1 }, { type: 'accept', callId })).toEqual({
      admit: false,
    });
    const incoming = 'b'.repeat(32);
    const bob = { name: 'bob', deviceId: 2 };
    expect(devices.admit(bob, { type: 'ring', callId: incoming, media: 'audio' })).toEqual({ admit: true });
    expect(devices.targets(incoming)).toEqual([bob]);
    expect(devices.admit({ name: 'bob', deviceId: 1 }, { type: 'hangup', callId: incoming })).toEqual({
      admit: false,
    });
  });
  it("tells a second device of the account busy while its other device's call rings here or runs, but not in a glare", () => {
    const devices = new CallDevices();
    const second = 'c'.repeat(32);
    const snapshot = (direction: 'incoming' | 'outgoing', phase: 'ringing' | 'active') => ({
      callId,
      peer: 'alice',
      direction,
      media: 'audio' as const,
      phase,
      createdAt: 0,
      reconnecting: false,
    });
    // Alice's phone rang first: its call is the one here.
    expect(devices.admit(phone, { type: 'ring', callId, media: 'audio' })).toEqual({ admit: true });
    expect(devices.ringsBeside(snapshot('incoming', 'ringing'), laptop, second)).toBe(true);
    expect(devices.ringsBeside(snapshot('incoming', 'active'), laptop, second)).toBe(true);
    // The same device, the same call, or another person: not this rule's.
    expect(devices.ringsBeside(snapshot('incoming', 'ringing'), phone, second)).toBe(false);
    expect(devices.ringsBeside(snapshot('incoming', 'ringing'), laptop, callId)).toBe(false);
    expect(devices.ringsBeside(snapshot('incoming', 'ringing'), { name: 'bob', deviceId: 2 }, second)).toBe(
      false,
    );
    expect(devices.ringsBeside(undefined, laptop, second)).toBe(false);
    // Our own call to Alice still ringing on all her devices: a glare, the state machine's to resolve.
    const ours = new CallDevices();
    ours.rang(callId, [phone, laptop]);
    expect(ours.ringsBeside(snapshot('outgoing', 'ringing'), laptop, second)).toBe(false);
  });
});
