import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';

/** What a hook may do with one event on its way through: change its payload, or drop it (undefined). */
export type Rewrite = (event: string, payload: unknown) => unknown;

export interface MiddleOptions {
  /** Rewrites what the real relay sends to the client (challenges, signals…). */
  readonly down?: Rewrite;
  /** Rewrites what the client sends to the real relay (auth answers, signals…). */
  readonly up?: Rewrite;
}

/** One client connection through the middle: what went up, and the real relay's acks. */
export interface MiddleLeg {
  readonly acks: { event: string; ack: unknown }[];
}

/**
 * A malicious relay E that speaks the relay protocol by passing everything through to a real relay H over
 * its own socket, one upstream socket per client. The hooks let a test rewrite what it forwards: pass H's
 * challenge to a victim who dialled E (and log in at H with her answer), or alter a signal's SDP.
 */
export class RelayInTheMiddle {
  readonly legs: MiddleLeg[] = [];
  readonly #http: HttpServer;
  readonly #io: Server;
  readonly #upstreams = new Set<ClientSocket>();

  private constructor(upstreamUrl: () => string, options: MiddleOptions) {
    this.#http = createServer();
    this.#io = new Server(this.#http, { serveClient: false });
    this.#io.on('connection', (client: Socket) => this.#relay(client, upstreamUrl(), options));
  }

  /** `upstream` is read at each connection, so the real relay may start after the middle (to name it). */
  static async start(
    upstream: string | (() => string),
    options: MiddleOptions = {},
  ): Promise<RelayInTheMiddle> {
    const middle = new RelayInTheMiddle(typeof upstream === 'string' ? () => upstream : upstream, options);
    await new Promise<void>((resolve) => middle.#http.listen(0, '127.0.0.1', resolve));
    return middle;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const upstream of this.#upstreams) upstream.close();
    await new Promise<void>((resolve) => this.#io.close(() => resolve()));
  }

  #relay(client: Socket, upstreamUrl: string, options: MiddleOptions): void {
    const leg: MiddleLeg = { acks: [] };
    this.legs.push(leg);
    const upstream = io(upstreamUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
    this.#upstreams.add(upstream);
    upstream.onAny((event: string, payload: unknown) => {
      const rewritten = options.down === undefined ? payload : options.down(event, payload);
      if (rewritten !== undefined) client.emit(event, rewritten);
    });
    client.onAny((event: string, payload: unknown, ack?: (answer: unknown) => void) => {
      const rewritten = options.up === undefined ? payload : options.up(event, payload);
      if (rewritten === undefined) return;
      upstream.emit(event, rewritten, (answer: unknown) => {
        leg.acks.push({ event, ack: answer });
        ack?.(answer);
      });
    });
    upstream.on('disconnect', () => client.disconnect(true));
    client.on('disconnect', () => {
      upstream.close();
      this.#upstreams.delete(upstream);
    });
  }
}
