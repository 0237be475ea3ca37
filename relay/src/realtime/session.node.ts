import { ParleyError } from '@parley/core';
import type { Socket } from 'socket.io';
import type { Challenge } from '../auth/challenge.node.js';
import type { RelayContext } from '../context.js';
import { BlobFeed } from './blob-feed.node.js';
import { PushRecorder } from './push-recorder.node.js';

/** What the relay knows about one connection. The identity is set only by a verified `auth`. */
export class Session {
  identity: string | undefined;
  /** The outstanding challenge; taken (cleared) by the first `auth` attempt. */
  challenge: Challenge | undefined;
  otpRequests = 0;
  /** Identities this socket watches for presence (its current subscription). */
  watching: string[] = [];
  readonly feed: BlobFeed;
  challengeTimer: NodeJS.Timeout | undefined;

  /** Where the connection comes from (through the trusted-proxy setting), for per-address limits. */
  readonly address: string;

  constructor(
    readonly socket: Socket,
    ctx: RelayContext,
  ) {
    this.address = ctx.clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for']);
    const pushes = new PushRecorder(
      ctx,
      () => this.identity,
      (blob) => socket.emit('blob', blob),
    );
    this.feed = new BlobFeed((blob) => pushes.push(blob), ctx.now);
  }

  /** The authenticated identity; handlers that need one only run after auth, so this failing is a bug guard. */
  get me(): string {
    if (this.identity === undefined) throw new ParleyError('AUTH_REQUIRED', 'authenticate first');
    return this.identity;
  }
}
