/**
 * The receiving device of bench/engine/file-transfer.ts in a process of its own (lib/remote-receiver.node.ts
 * starts it), so each end of a transfer, and each end of the raw baseline, has its own JavaScript thread,
 * as two devices would. It speaks a small IPC protocol with the parent, see RemoteRequest/RemoteEvent.
 */
import wrtc from '@roamhq/wrtc';
import { DataLink, type ParleyClient } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { startDevice, until } from '../lib/devices.node.js';
import type { RemoteEvent, RemoteRequest } from '../lib/remote-receiver.node.js';

const send = (event: RemoteEvent) => process.send?.(event);
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
let client: ParleyClient | undefined;
let raw: DataLink | undefined;
let rawExpected = 0;
let rawReceived = 0;

async function handle(request: RemoteRequest): Promise<void> {
  switch (request.type) {
    case 'start': {
      client = await startDevice('file-b', request.relayUrl, {
        direct: true,
        backend: nodeNativeBackend,
      });
      const started = client;
      await until(() => started.connected, 'the receiver to connect');
      started.on('message', ({ message, via }) => send({ type: 'message', text: message.text, via }));
      started.on('file', ({ name, size, bytes }) =>
        send({ type: 'file', name, size, received: bytes?.byteLength ?? -1, cpuMs: cpuMs() }),
      );
      send({ type: 'started', account: started.account, contactLink: started.profile.contactLink() });
      return;
    }
    case 'add-contact':
      await client?.contacts.add(request.contactLink);
      send({ type: 'contact-added' });
      return;
    case 'raw-open':
      raw = new DataLink({
        iceServers: [],
        wrtc,
        connectTimeoutMs: 10_000,
        initiator: false,
        linkId: 'raw-bench',
        sendSignal: (data) => send({ type: 'raw-signal', data }),
      });
      raw.on('open', () => send({ type: 'raw-open' }));
      raw.on('message', (frame) => {
        rawReceived += frame.byteLength;
        if (rawExpected > 0 && rawReceived >= rawExpected) {
          rawExpected = 0;
          send({ type: 'raw-done', cpuMs: cpuMs() });
        }
      });
      return;
    case 'raw-signal':
      raw?.receiveSignal(request.data);
      return;
    case 'raw-expect':
      rawReceived = 0;
      rawExpected = request.bytes;
      send({ type: 'raw-ready', cpuMs: cpuMs() });
      return;
    case 'stop':
      raw?.close();
      await client?.close();
      // Exit by itself once the parent heard it, so a --cpu-prof profile (BENCH_RECEIVER_PROFILE) is written.
      process.send?.({ type: 'stopped' } satisfies RemoteEvent, () => process.exit(0));
      return;
  }
}

process.on('message', (request: RemoteRequest) => {
  handle(request).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
