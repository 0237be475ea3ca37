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
});
