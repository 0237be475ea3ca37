import type { ClientEventName, ClientRequest, ClientResponses } from '@parley/core';
import type { RelayContext } from '../../context.js';
import type { Hub } from '../hub.node.js';
import type { Session } from '../session.node.js';

/** What a handler gets besides its validated request. */
export interface Call {
  readonly ctx: RelayContext;
  readonly hub: Hub;
  readonly session: Session;
  /** Runs `task` right after the ack is sent (pushes that must follow it, like the backlog after auth). */
  afterAck(task: () => Promise<void> | void): void;
}

/**
 * One small handler per client event. Everything common (event known, rate limits, size, schema, auth,
 * error mapping, metrics) happens once in the dispatcher before `handle` runs.
 */
export interface EventHandler<E extends ClientEventName> {
  /** Allowed before authentication: only `auth` and `otp:request`. */
  readonly public?: boolean;
  /** Processed even when the client asked for no ack (typing indicators). */
  readonly fireAndForget?: boolean;
  /** Upper bound on the decoded payload; the dispatcher's default otherwise. */
  readonly maxBytes?: number;
  handle(request: ClientRequest<E>, call: Call): Promise<ClientResponses[E]> | ClientResponses[E];
}

export type HandlerTable = { readonly [E in ClientEventName]: EventHandler<E> };
