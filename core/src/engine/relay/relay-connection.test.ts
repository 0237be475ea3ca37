import { describe, expect, it } from 'vitest';
import type { ParleyError } from '../../errors/index.js';
import { generateIdentity } from '../../crypto/index.js';
import { ManualTimers } from '../../link/testing/manual-timers.js';
import type { RelaySocket } from '../platform.js';
import { RelayConnection } from './relay-connection.js';

/** A socket whose server side the test plays by hand. */
class FakeSocket implements RelaySocket {
  connected = false;
  readonly listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  readonly sent: { event: string; payload: unknown; ack: (result: unknown) => void }[] = [];
  on(event: string, listener: (...args: unknown[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, payload: unknown, ack: (result: unknown) => void) {
    this.sent.push({ event, payload, ack });
    return this;
  }
  connect() {
    this.connected = true;
    return this;
  }
  close() {
    this.connected = false;
    return this;
  }
  server(event: string, payload: unknown) {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}

function setup() {
  const socket = new FakeSocket();
  const timers = new ManualTimers();
  const connection = new RelayConnection({
    url: 'http://relay.test',
    socketFactory: () => socket,
    identity: generateIdentity(),
    timers,
    requestTimeoutMs: 1_000,
    reconnectDelayMs: 100,
  });
  const errors: ParleyError[] = [];
  connection.on('error', (error) => errors.push(error));
  return { socket, timers, connection, errors };
}

describe('RelayConnection', () => {
  it('reports what the relay sends against its schema and never passes it on', () => {
    const { socket, connection, errors } = setup();
    const blobs: unknown[] = [];
    connection.on('blob', (blob) => blobs.push(blob));
    socket.server('blob', { id: 'x', payload: 'not binary', depositedAt: 1, expiresAt: 2 });
    expect(blobs).toEqual([]);
    expect(errors[0]).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('answers the challenge and rejects a request whose socket drops', async () => {
    const { socket, connection } = setup();
    connection.connect();
    socket.server('auth:challenge', {
      nonce: 'A'.repeat(43),
      expiresAt: 1,
      relayKey: 'BA'.repeat(21) + 'A',
      policy: 'open',
    });
    const auth = socket.sent.find((sent) => sent.event === 'auth');
    // The answer names the relay it is for: the host this connection dialled.
    expect(auth?.payload).toMatchObject({ signature: expect.any(String), relayHost: 'relay.test' });
    auth?.ack({
      ok: true,
      identity: 'C'.repeat(43),
      token: 't',
      tokenExpiresAt: 1,
      turn: { iceServers: [], expiresAt: 1 },
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(connection.ready).toBe(true);
    const request = connection.request('typing', { to: 'D'.repeat(43), typing: true });
    socket.server('disconnect', 'transport close');
    await expect(request).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    connection.close();
    connection.close();
    await expect(connection.request('typing', { to: 'D'.repeat(43), typing: true })).rejects.toMatchObject({
      code: 'CLOSED',
    });
  });
});
