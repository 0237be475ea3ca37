import { io, type Socket } from 'socket.io-client';
import {
  isErrorCode,
  ParleyError,
  SFU_SERVER_EVENTS,
  type SfuClientEventName,
  type SfuClientRequest,
  type SfuResponses,
  type SfuServerEventName,
  type SfuServerPayload,
} from '@parley/core';

/** How long one SFU request may take before it fails UNAVAILABLE (the SFU answers in milliseconds). */
const REQUEST_TIMEOUT_MS = 15_000;

type Listener<E extends SfuServerEventName> = (payload: SfuServerPayload<E>) => void;

/**
 * One Socket.IO connection to the SFU's signalling (docs/sfu.md): requests as promises of their answer body
 * (a refusal becomes a ParleyError with the SFU's code), pushed events validated with SFU_SERVER_EVENTS
 * before anyone sees them — the SFU is a server we talk to, not one we trust with our app's state.
 */
export class SfuConnection {
  readonly #socket: Socket;
  #closed = false;

  constructor(url: string) {
    // WebSocket only, like the relay connection; reconnection is ours (a new token), not socket.io's.
    this.#socket = io(url, { transports: ['websocket'], reconnection: false, autoConnect: true });
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** Resolves once connected; rejects UNAVAILABLE when the SFU cannot be reached. */
  async opened(): Promise<void> {
    if (this.#socket.connected) return;
    await new Promise<void>((resolve, reject) => {
      const stop = () => {
        this.#socket.off('connect', onConnect);
        this.#socket.off('connect_error', onError);
      };
      const onConnect = () => {
        stop();
        resolve();
      };
      const onError = (error: Error) => {
        stop();
        reject(new ParleyError('UNAVAILABLE', `cannot reach the call server: ${error.message}`));
      };
      this.#socket.on('connect', onConnect);
      this.#socket.on('connect_error', onError);
    });
  }

  async request<E extends SfuClientEventName>(
    event: E,
    payload: SfuClientRequest<E>,
  ): Promise<SfuResponses[E]> {
    if (this.#closed) throw new ParleyError('CLOSED', 'the call is over');
    let answer: unknown;
    try {
      answer = await this.#socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload);
    } catch (error) {
      throw new ParleyError('UNAVAILABLE', `the call server did not answer ${event}`, { cause: error });
    }
    if (typeof answer !== 'object' || answer === null || !('ok' in answer))
      throw new ParleyError('INTERNAL', `the call server sent a malformed answer to ${event}`);
    if (answer.ok === true) return answer as unknown as SfuResponses[E];
    const error = 'error' in answer ? (answer.error as { code?: unknown; message?: unknown }) : {};
    const code = isErrorCode(error.code) ? error.code : 'INTERNAL';
    throw new ParleyError(code, typeof error.message === 'string' ? error.message : `${event} was refused`);
  }

  /** Subscribes to a pushed event; payloads that do not match the schema are dropped. Returns unsubscribe. */
  on<E extends SfuServerEventName>(event: E, listener: Listener<E>): () => void {
    const schema = SFU_SERVER_EVENTS[event];
    const handler = (payload: unknown) => {
      const parsed = schema.safeParse(payload);
      if (parsed.success) listener(parsed.data as SfuServerPayload<E>);
    };
    this.#socket.on(event as string, handler);
    return () => this.#socket.off(event as string, handler);
  }

  /** The socket dropped (the SFU restarted, the network went away): the SFU has closed our peer. */
  onDisconnect(listener: () => void): () => void {
    const handler = () => {
      if (!this.#closed) listener();
    };
    this.#socket.on('disconnect', handler);
    return () => this.#socket.off('disconnect', handler);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.disconnect();
  }
}
