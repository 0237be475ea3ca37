import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

/** Opens a raw Socket.IO connection that claims `origin`; resolves 'connected' or the connect error. */
async function tryConnect(url: string, transport: 'websocket' | 'polling', origin?: string): Promise<string> {
  const socket = io(url, {
    transports: [transport],
    reconnection: false,
    ...(origin === undefined ? {} : { extraHeaders: { origin } }),
  });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
    });
  } finally {
    socket.close();
  }
}

describe('browser origins', () => {
  it('refuses a browser page from an origin the operator did not allow, over WebSocket and long-polling', async () => {
    relay = await startRealtimeRelay({ allowedOrigins: ['https://chat.example.org'] });
    for (const transport of ['websocket', 'polling'] as const) {
      expect(await tryConnect(relay.relay.url, transport, 'https://evil.example')).toMatch(/^refused/);
      expect(await tryConnect(relay.relay.url, transport, 'https://chat.example.org')).toBe('connected');
    }
  });

  it('always admits the web client it serves itself, and native clients that send no Origin', async () => {
    relay = await startRealtimeRelay();
    expect(await tryConnect(relay.relay.url, 'websocket', relay.relay.url)).toBe('connected');
    expect(await tryConnect(relay.relay.url, 'websocket')).toBe('connected');
    expect(await tryConnect(relay.relay.url, 'websocket', 'http://localhost:1')).toMatch(/^refused/);
  });
});
