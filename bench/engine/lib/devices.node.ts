import wrtc from '@roamhq/wrtc';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { freshIndexedDb } from '@parley/core/testing/indexeddb';
import { io } from 'socket.io-client';
import {
  ParleyClient,
  createSecretboxKeyWrapper,
  type AttachmentOpener,
  type AttachmentSealer,
  type CryptoBackend,
  type FetchLike,
  type FileSinkFactory,
  type ParleyClientEvents,
  type RelaySocket,
  tweetnaclBackend,
} from '@parley/core';

/**
 * Engine devices for the benches, set up as e2e/integration/support/harness.ts sets up its test devices
 * (fake-indexeddb, @roamhq/wrtc, socket.io-client over WebSocket), replicated here because bench/ does not
 * depend on e2e/. The engine runs with its default tuning: the benches measure what an app gets.
 */

export interface DeviceOptions {
  /** With WebRTC, messages go over a direct link once it opens; without, every message goes through the relay. */
  readonly direct: boolean;
  /** Called with the byte length of every `blob:deposit` payload this device sends (a sealed envelope). */
  readonly onDeposit?: (bytes: number) => void;
  /** Called for every request to the relay's HTTP attachment API (files for peers without a direct link). */
  readonly onFetch?: (url: string) => void;
  /** The engine's crypto backend; the engine's default (tweetnacl) when absent. */
  readonly backend?: CryptoBackend;
  /** Received files' chunks opened off the engine's thread (the client's `attachmentOpener`). */
  readonly opener?: () => AttachmentOpener;
  /** Sent files' chunks sealed off the engine's thread (the client's `attachmentSealer`). */
  readonly sealer?: () => AttachmentSealer;
  /** Where received files go; the engine's default (in memory) when absent. */
  readonly fileSink?: FileSinkFactory;
}

export async function startDevice(
  name: string,
  relayUrl: string,
  options: DeviceOptions,
): Promise<ParleyClient> {
  return ParleyClient.start({
    indexedDB: freshIndexedDb(),
    databaseName: `parley-bench-${name}`,
    keyWrapper: createSecretboxKeyWrapper(new Uint8Array(32).fill(9)),
    relayUrl,
    socketFactory: (url) => {
      const socket = io(url, { transports: ['websocket'], autoConnect: false, forceNew: true });
      const { onDeposit } = options;
      if (onDeposit !== undefined) {
        socket.onAnyOutgoing((event: string, payload: unknown) => {
          if (event !== 'blob:deposit') return;
          const bytes = (payload as { payload?: { byteLength?: number } }).payload?.byteLength;
          if (typeof bytes === 'number') onDeposit(bytes);
        });
      }
      return socket as unknown as RelaySocket;
    },
    // The relay's TURN grant is empty (no TURN or STUN configured), so links get iceServers [] and
    // simple-peer's default public STUN servers are never contacted.
    ...(options.direct ? { wrtc } : {}),
    displayName: name,
    ...(options.backend === undefined ? {} : { cryptoBackend: options.backend }),
    ...(options.opener === undefined ? {} : { attachmentOpener: options.opener }),
    ...(options.sealer === undefined ? {} : { attachmentSealer: options.sealer }),
    ...(options.fileSink === undefined ? {} : { fileSink: options.fileSink }),
    fetch: (async (url, init) => {
      options.onFetch?.(url);
      return (globalThis.fetch as unknown as FetchLike)(url, init);
    }) satisfies FetchLike,
  });
}

/** Resolves with the first `event` payload that satisfies `match`, or rejects after `timeoutMs`. */
export function next<K extends keyof ParleyClientEvents>(
  client: ParleyClient,
  event: K,
  match: (payload: ParleyClientEvents[K]) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<ParleyClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two connected devices that know each other. */
export async function pair(a: ParleyClient, b: ParleyClient): Promise<void> {
  await until(() => a.connected && b.connected, 'both clients to connect');
  await a.contacts.add(b.profile.contactLink());
  await b.contacts.add(a.profile.contactLink());
}

/** Sends text from `a` to `b` until one arrives over the direct link (the first sends open it). */
export async function openDirectLink(a: ParleyClient, b: ParleyClient): Promise<void> {
  const conversation = a.conversations.direct(b.account);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const arrived = next(b, 'message', ({ message }) => message.text === `open ${attempt}`);
    await a.messages.send(conversation, `open ${attempt}`);
    const { via } = await arrived;
    if (via === 'direct') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the direct link did not open');
}

/**
 * The crypto backends a bench runs the engine with: native (OpenSSL through node:crypto) first, then the
 * engine's default tweetnacl, or only the one named by `--backend=native|tweetnacl`.
 */
export function selectedBackends(argv: readonly string[] = process.argv): CryptoBackend[] {
  const all = { native: nodeNativeBackend, tweetnacl: tweetnaclBackend };
  const chosen = argv.find((arg) => arg.startsWith('--backend='))?.slice('--backend='.length);
  if (chosen === undefined) return [all.native, all.tweetnacl];
  if (chosen !== 'native' && chosen !== 'tweetnacl')
    throw new Error(`--backend must be native or tweetnacl, not ${chosen}`);
  return [all[chosen]];
}
