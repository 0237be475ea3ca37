import {
  isParleyError,
  isSfuClientEventName,
  parsePayload,
  ParleyError,
  SFU_CLIENT_EVENTS,
  type SfuAckResult,
  type SfuClientEventName,
  type WireError,
} from '@parley/core';
import type { SfuContext } from '../context.js';
import type { SfuHandler, SfuHandlerTable } from './handlers/types.js';
import type { Session } from './session.node.js';

type AckFn = (result: SfuAckResult) => void;

/** mediasoup's complaints about what a client sent (bad RTP parameters, unsupported codec, closed object). */
const MEDIASOUP_INPUT_ERRORS = new Set(['TypeError', 'UnsupportedError', 'InvalidStateError']);

export interface Dispatcher {
  dispatch(session: Session, event: unknown, args: unknown[]): void;
  /** Answers UNAVAILABLE from now on and resolves once the handlers already running have finished. */
  close(): Promise<void>;
}

/** The SFU's one middleware: known event, an ack to answer, schema, in a room (unless public), errors. */
export function createDispatcher(table: SfuHandlerTable, ctx: SfuContext): Dispatcher {
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  async function run(
    session: Session,
    event: SfuClientEventName,
    payload: unknown,
    ack: AckFn,
  ): Promise<void> {
    try {
      if (closed) throw new ParleyError('UNAVAILABLE', 'the SFU is shutting down; rejoin');
      const handler = table[event] as SfuHandler<SfuClientEventName>;
      const request = parsePayload(SFU_CLIENT_EVENTS[event], payload, event);
      if (!handler.public) session.inRoom();
      const body = await handler.handle(request as never, { ctx, session });
      ctx.metrics.events.labels({ event, outcome: 'ok' }).inc();
      ack({ ok: true, ...body });
    } catch (error) {
      const wire = toWireError(error, event, ctx);
      ctx.metrics.events.labels({ event, outcome: wire.code }).inc();
      ack({ ok: false, error: wire });
    }
  }

  return {
    dispatch(session, event, args) {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as AckFn) : undefined;
      if (!isSfuClientEventName(event)) {
        ctx.metrics.events.labels({ event: 'unknown', outcome: 'UNKNOWN_EVENT' }).inc();
        ack?.({ ok: false, error: { code: 'UNKNOWN_EVENT', message: 'unknown event' } });
        return;
      }
      // Every request is answered; one without an ack function is a client bug and is dropped.
      if (!ack) return;
      const payload = args.length > 1 ? args[0] : undefined;
      const task = run(session, event, payload, ack);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
    async close() {
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function toWireError(error: unknown, event: string, ctx: SfuContext): WireError {
  if (isParleyError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error && MEDIASOUP_INPUT_ERRORS.has(error.name)) {
    return { code: 'BAD_REQUEST', message: error.message };
  }
  ctx.log.error({ err: error, event }, 'handler failed');
  return { code: 'INTERNAL', message: 'internal error' };
}
