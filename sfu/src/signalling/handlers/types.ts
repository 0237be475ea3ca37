import type { SfuClientEventName, SfuClientRequest, SfuResponses } from '@parley/core';
import type { SfuContext } from '../../context.js';
import type { Session } from '../session.node.js';

export interface SfuCall {
  readonly ctx: SfuContext;
  readonly session: Session;
}

/**
 * One small handler per request. The dispatcher checks the event, the payload's schema and (unless
 * `public`) that the session is in a room, once, before `handle` runs; handlers only do their one thing.
 */
export interface SfuHandler<E extends SfuClientEventName> {
  /** Allowed outside a room: join, rejoin, leave. */
  readonly public?: boolean;
  handle(request: SfuClientRequest<E>, call: SfuCall): Promise<SfuResponses[E]> | SfuResponses[E];
}

export type SfuHandlerTable = { readonly [E in SfuClientEventName]: SfuHandler<E> };
