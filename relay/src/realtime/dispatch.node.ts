import {
  CLIENT_EVENTS,
  isClientEventName,
  isParleyError,
  parsePayload,
  ParleyError,
  type AckResult,
  type ClientEventName,
  type WireError,
} from '@parley/core';
import type { RelayContext } from '../context.js';
import type { Call, EventHandler, HandlerTable } from './handlers/types.js';
import { EventBudget } from './event-budget.js';
import type { Hub } from './hub.node.js';
import { payloadFits } from './payload-size.js';
import type { Session } from './session.node.js';

/** Decoded-size cap for events that name none: signals are the largest of them (64 KiB of SDP). */
const DEFAULT_MAX_BYTES = 80 * 1024;

type AckFn = (result: AckResult) => void;

export interface Dispatcher {
  /** Handles one incoming event: `args` as Socket.IO's `onAny` passes them (payload…, ack?). */
  dispatch(session: Session, event: unknown, args: unknown[]): void;
  /** Answers UNAVAILABLE from now on and resolves once every handler already running has finished. */
  close(): Promise<void>;
}

/**
 * The relay's one middleware. Per-process, in-memory rate limits: a client that spreads over several relay
 * processes gets each process's allowance, which bounds abuse well enough without a Redis round trip per event.
 */
export function createDispatcher(table: HandlerTable, hub: Hub, ctx: RelayContext): Dispatcher {
  const limits = ctx.config.rateLimits;
  const limiter = (limit: { points: number; windowSeconds: number }) =>
    new EventBudget(limit.points, limit.windowSeconds * 1000, ctx.now);
  const perConnection = limiter(limits.perConnection);
  const perIdentity = limiter(limits.perIdentity);
  const authPerAddress = limiter(limits.authPerAddress);
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  // Label lookups hash the label set on every call; the event path keeps one child per (event, outcome).
  const counters = new Map<string, { inc(): void }>();
  const count = (event: string, outcome: string) => {
    const key = `${event}\0${outcome}`;
    let counter = counters.get(key);
    if (!counter) counters.set(key, (counter = ctx.metrics.events.labels({ event, outcome })));
    counter.inc();
  };

  /**
   * Runs the shared checks and the handler. A synchronous handler (signal, typing: the hot path) is acked
   * before this returns, with no promise allocated; an asynchronous one returns the promise the dispatcher
   * tracks so close() can wait for its store write.
   */
  function run(
    session: Session,
    event: ClientEventName,
    payload: unknown,
    ack: AckFn | undefined,
  ): Promise<void> | undefined {
    const after: Array<() => Promise<void> | void> = [];
    let response: ReturnType<EventHandler<ClientEventName>['handle']>;
    try {
      if (closed) throw new ParleyError('UNAVAILABLE', 'the relay is shutting down; reconnect');
      const handler = table[event] as EventHandler<ClientEventName>;
      spend(perConnection, session.socket.id);
      if (session.identity !== undefined) spend(perIdentity, session.identity);
      else spend(authPerAddress, session.address);
      if (!payloadFits(payload, handler.maxBytes ?? DEFAULT_MAX_BYTES)) {
        throw new ParleyError('PAYLOAD_TOO_LARGE', `${event} payload is too large`);
      }
      if (!handler.public && session.identity === undefined) {
        throw new ParleyError('AUTH_REQUIRED', 'authenticate first');
      }
      const request = parsePayload(CLIENT_EVENTS[event], payload, event);
      const call: Call = { ctx, hub, session, afterAck: (task) => after.push(task) };
      response = handler.handle(request as never, call);
    } catch (error) {
      fail(event, ack, error);
      return undefined;
    }
    if (!(response instanceof Promise)) {
      succeed(event, ack, response);
      return after.length > 0 ? runAfter(event, after) : undefined;
    }
    return response.then(
      (body) => {
        succeed(event, ack, body);
        return runAfter(event, after);
      },
      (error: unknown) => fail(event, ack, error),
    );
  }

  function succeed(event: ClientEventName, ack: AckFn | undefined, body: object): void {
    count(event, 'ok');
    // One line per event at debug (docs/relay-operations.md): name and outcome only, never who or what.
    ctx.log.debug({ event, outcome: 'ok' }, 'event');
    ack?.({ ok: true, ...body });
  }

  function fail(event: ClientEventName, ack: AckFn | undefined, error: unknown): void {
    const wire = toWireError(error, event, ctx);
    count(event, wire.code);
    ctx.log.debug({ event, outcome: wire.code }, 'event');
    ack?.({ ok: false, error: wire });
  }

  async function runAfter(event: ClientEventName, after: Array<() => Promise<void> | void>): Promise<void> {
    for (const task of after) {
      try {
        await task();
      } catch (error) {
        ctx.log.error({ err: error, event }, 'post-ack task failed');
      }
    }
  }

  return {
    dispatch(session, event, args) {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as AckFn) : undefined;
      const payload = ack && args.length === 1 ? undefined : args[0];
      if (!isClientEventName(event)) {
        // Unknown names are counted under one label: client-chosen strings must not grow the metrics.
        count('unknown', 'UNKNOWN_EVENT');
        ctx.log.debug({ event: 'unknown', outcome: 'UNKNOWN_EVENT' }, 'event');
        ack?.({ ok: false, error: { code: 'UNKNOWN_EVENT', message: 'unknown event' } });
        return;
      }
      if (!ack && !table[event].fireAndForget) {
        count(event, 'no_ack');
        return;
      }
      const task = run(session, event, payload, ack);
      if (task === undefined) return;
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
    async close() {
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function spend(budget: EventBudget, key: string): void {
  const waitMs = budget.take(key);
  if (waitMs > 0) {
    const error = new ParleyError('RATE_LIMITED', 'too many requests; slow down');
    throw Object.assign(error, { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) });
  }
}

function toWireError(error: unknown, event: string, ctx: RelayContext): WireError {
  if (isParleyError(error)) {
    const wire: WireError = { code: error.code, message: error.message };
    const retryAfter: unknown = (error as { retryAfter?: unknown }).retryAfter;
    if (typeof retryAfter === 'number') wire.retryAfter = retryAfter;
    return wire;
  }
  // Never echo internals to the client; the log has the details.
  ctx.log.error({ err: error, event }, 'handler failed');
  return { code: 'INTERNAL', message: 'internal error' };
}
