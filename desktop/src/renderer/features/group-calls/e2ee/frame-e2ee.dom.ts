import type { FrameKeySource } from '@parley/core/crypto/frames';
import type { FromWorker, ToWorker, TransformSetup, TransformStats } from './messages.js';
import { TransformWatch } from './transform-watch.dom.js';

/**
 * End-to-end encrypted call media in the browser (docs/crypto.md, "Group calls: encrypted media"): every
 * frame a protected RTCRtpSender sends is encrypted in a worker under this device's frame key, and every
 * frame a protected RTCRtpReceiver gets is decrypted with the keys of the participant it belongs to, or
 * dropped. Keys come from a FrameKeySource (the engine's `client.callKeys` keyring).
 *
 * Two browser APIs: RTCRtpScriptTransform (Chromium 141+, Safari, Firefox), and where it is missing,
 * `createEncodedStreams()` — which works only on an RTCPeerConnection made with
 * `encodedInsertableStreams: true` (see `e2eePeerConnectionConfig`; mediasoup-client: the transport's
 * `additionalSettings`).
 *
 * Protect a sender or receiver before any frame passes it: with mediasoup-client, in the `onRtpSender` /
 * `onRtpReceiver` callbacks of `produce` / `consume`, which run before the producer or consumer exists
 * (README.md beside this file).
 */

export type E2eeMode = 'script-transform' | 'encoded-streams';

export interface ProtectOptions {
  /** Defaults to the track's kind. */
  readonly kind?: 'audio' | 'video';
  /** The codec when the browser's frame metadata does not name it: 'vp8' (video) or 'opus' (audio). */
  readonly codec?: string;
}

interface ScriptTransformConstructor {
  new (worker: Worker, options: TransformSetup): unknown;
}

interface EncodedStreams {
  readonly readable: ReadableStream;
  readonly writable: WritableStream;
}

/** An RTCRtpSender or RTCRtpReceiver as far as the transforms go. */
interface Transformable {
  readonly track: MediaStreamTrack | null;
  transform?: unknown;
  createEncodedStreams?(): EncodedStreams;
}

function scriptTransform(): ScriptTransformConstructor | undefined {
  return (globalThis as { RTCRtpScriptTransform?: ScriptTransformConstructor }).RTCRtpScriptTransform;
}

/** Which API this browser offers, or undefined when it has neither (no encrypted calls here). */
export function frameE2eeMode(): E2eeMode | undefined {
  if (scriptTransform() !== undefined) return 'script-transform';
  const prototype = (globalThis as { RTCRtpSender?: { prototype: Transformable } }).RTCRtpSender?.prototype;
  return prototype?.createEncodedStreams !== undefined ? 'encoded-streams' : undefined;
}

/** What an RTCPeerConnection carrying protected media needs in its configuration. */
export function e2eePeerConnectionConfig(mode = frameE2eeMode()): { encodedInsertableStreams?: true } {
  return mode === 'encoded-streams' ? { encodedInsertableStreams: true } : {};
}

export interface FrameE2eeOptions {
  /** The frame worker; by default frame-worker.dom.ts, bundled by Vite. */
  readonly worker?: Worker;
  /** Force an API (tests); by default the best the browser has. */
  readonly mode?: E2eeMode;
}

/**
 * The frame encryption of one call: one worker, fed with the keyring's keys. Protect every sender and
 * receiver of the call's peer connections with it; `close()` when the call ends.
 */
export class FrameE2ee {
  readonly mode: E2eeMode;
  readonly #worker: Worker;
  readonly #keyring: FrameKeySource;
  readonly #unsubscribe: () => void;
  readonly #statsWaiting = new Map<number, (stats: TransformStats[]) => void>();
  /** Transforms that have not seen a frame yet (Chromium sometimes leaves one unattached). */
  readonly #watch = new TransformWatch(() => this.stats());
  #nextId = 0;
  #nextStream = 0;
  #nextRequest = 0;
  #closed = false;

  constructor(keyring: FrameKeySource, options: FrameE2eeOptions = {}) {
    const mode = options.mode ?? frameE2eeMode();
    if (mode === undefined) throw new Error('this browser cannot encrypt call media (no encoded transforms)');
    this.mode = mode;
    this.#keyring = keyring;
    this.#worker =
      options.worker ?? new Worker(new URL('./frame-worker.dom.ts', import.meta.url), { type: 'module' });
    this.#worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      this.#statsWaiting.get(data.request)?.(data.stats);
      this.#statsWaiting.delete(data.request);
    };
    if (keyring.localKey !== undefined) this.#post({ type: 'local-key', key: keyring.localKey });
    this.#unsubscribe = keyring.onChange((change) => {
      if (change.kind === 'local') this.#post({ type: 'local-key', key: change.key });
      else this.#post({ type: 'remote-key', participantId: change.participantId, key: change.key });
    });
  }

  /** Encrypts everything `sender` sends from now on; returns the transform's id (for `stats`). */
  protectSender(sender: RTCRtpSender, options: ProtectOptions = {}): number {
    // A fresh stream number for every transform, a replacement too: if the one it replaces did encrypt a
    // frame after all (attached late), the two never share a (key, stream, counter) nonce.
    return this.#watched(sender, 'sender', () =>
      this.#attach(sender as unknown as Transformable, options, {
        role: 'sender',
        stream: this.#nextStream++,
      }),
    );
  }

  /** Decrypts what `receiver` gets with `participantId`'s keys; frames that do not decrypt are dropped. */
  protectReceiver(receiver: RTCRtpReceiver, participantId: string, options: ProtectOptions = {}): number {
    for (const key of this.#keyring.remoteKeys(participantId))
      this.#post({ type: 'remote-key', participantId, key });
    return this.#watched(receiver, 'receiver', () =>
      this.#attach(receiver as unknown as Transformable, options, { role: 'receiver', participantId }),
    );
  }

  /** Per transform: frames passed on, frames dropped and why, the key ids in use. */
  stats(): Promise<TransformStats[]> {
    const request = this.#nextRequest++;
    return new Promise((resolve) => {
      this.#statsWaiting.set(request, resolve);
      this.#post({ type: 'stats', request });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch.close();
    this.#unsubscribe();
    this.#worker.terminate();
  }

  /**
   * `attach()`es a transform to `target` and has the watch replace it (the same setup, a new id) while no
   * frame reaches it. Streams can be taken from a sender or receiver only once: only a script transform is
   * watched.
   */
  #watched(target: RTCRtpSender | RTCRtpReceiver, role: 'sender' | 'receiver', attach: () => number): number {
    let id = attach();
    if (this.mode === 'script-transform')
      this.#watch.watch(id, target, role, () => {
        const fresh = attach();
        this.#post({ type: 'stop', id });
        id = fresh;
        return fresh;
      });
    return id;
  }

  #attach(
    target: Transformable,
    options: ProtectOptions,
    role: Pick<TransformSetup, 'role' | 'stream' | 'participantId'>,
  ): number {
    if (this.#closed) throw new Error('the call has ended');
    const kind = options.kind ?? kindOf(target);
    const setup: TransformSetup = {
      id: this.#nextId++,
      kind,
      codec: options.codec ?? defaultCodec(kind),
      ...role,
    };
    if (this.mode === 'script-transform') {
      const Transform = scriptTransform();
      if (Transform === undefined) throw new Error('RTCRtpScriptTransform is missing');
      target.transform = new Transform(this.#worker, setup);
      return setup.id;
    }
    if (target.createEncodedStreams === undefined) throw new Error('createEncodedStreams is missing');
    const { readable, writable } = target.createEncodedStreams();
    this.#post({ type: 'streams', setup, readable, writable }, [readable, writable]);
    return setup.id;
  }

  #post(message: ToWorker, transfer: Transferable[] = []): void {
    if (!this.#closed) this.#worker.postMessage(message, transfer);
  }
}

function kindOf(target: { readonly track: MediaStreamTrack | null }): 'audio' | 'video' {
  const kind = target.track?.kind;
  if (kind !== 'audio' && kind !== 'video') throw new Error('say which kind of media this is (no track yet)');
  return kind;
}

function defaultCodec(kind: 'audio' | 'video'): string {
  return kind === 'audio' ? 'opus' : 'vp8';
}

const sessions = new WeakMap<FrameKeySource, FrameE2ee>();

/** The call's FrameE2ee for this keyring (one worker per keyring), made on first use. */
export function frameE2ee(keyring: FrameKeySource, options?: FrameE2eeOptions): FrameE2ee {
  let session = sessions.get(keyring);
  if (session === undefined) {
    session = new FrameE2ee(keyring, options);
    sessions.set(keyring, session);
  }
  return session;
}

/** `frameE2ee(keyring).protectSender(sender)`. */
export function protectSender(
  sender: RTCRtpSender,
  keyring: FrameKeySource,
  options?: ProtectOptions,
): number {
  return frameE2ee(keyring).protectSender(sender, options);
}

/** `frameE2ee(keyring).protectReceiver(receiver, participantId)`. */
export function protectReceiver(
  receiver: RTCRtpReceiver,
  participantId: string,
  keyring: FrameKeySource,
  options?: ProtectOptions,
): number {
  return frameE2ee(keyring).protectReceiver(receiver, participantId, options);
}
