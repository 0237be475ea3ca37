import { ParleyError } from '@parley/core';
import type { RelayConfig } from '../config.js';
import { EventBudget } from '../realtime/event-budget.js';

/**
 * The limits around `auth`, per relay process. Failures are counted apart from successes, so a busy address
 * (many honest users behind one NAT or proxy) is never locked out by logging in:
 * - a bad signature or a spent challenge counts against the client address only — counting it against the
 *   claimed identity would let anyone lock any identity out by sending garbage in its name;
 * - a wrong invite or code after a valid signature counts against the address and the identity (only the key's
 *   holder can spend that budget);
 * - on an `open` relay each new identity costs one admission of the address's budget.
 */
export class AuthGuards {
  readonly #failuresPerAddress: EventBudget;
  readonly #failuresPerIdentity: EventBudget;
  readonly #admissionsPerAddress: EventBudget;

  constructor(limits: RelayConfig['rateLimits'], now: () => number) {
    const budget = (limit: { points: number; windowSeconds: number }) =>
      new EventBudget(limit.points, limit.windowSeconds * 1000, now);
    this.#failuresPerAddress = budget(limits.authFailuresPerAddress);
    this.#failuresPerIdentity = budget(limits.authFailuresPerIdentity);
    this.#admissionsPerAddress = budget(limits.admissionsPerAddress);
  }

  /** Throws RATE_LIMITED while the address or the identity has no failures left. */
  check(address: string, identity: string): void {
    const wait = Math.max(this.#failuresPerAddress.peek(address), this.#failuresPerIdentity.peek(identity));
    if (wait > 0) throw rateLimited('too many failed logins; wait', wait);
  }

  /** Records a failure; `signatureValid` says whether the identity's own key made the attempt. */
  failed(address: string, identity: string, signatureValid: boolean): void {
    this.#failuresPerAddress.take(address);
    if (signatureValid) this.#failuresPerIdentity.take(identity);
  }

  /** Spends one admission of a new identity from the address; throws RATE_LIMITED when none is left. */
  admitting(address: string): void {
    const wait = this.#admissionsPerAddress.take(address);
    if (wait > 0) throw rateLimited('too many new identities from this address; wait', wait);
  }
}

function rateLimited(message: string, waitMs: number): ParleyError {
  return Object.assign(new ParleyError('RATE_LIMITED', message), {
    retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}
