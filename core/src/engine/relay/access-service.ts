import type { ParleyError } from '../../errors/index.js';
import type { EngineContext } from '../context.js';
import {
  parseOtpAddress,
  parseRelayAccess,
  type AccessCredentials,
  type OtpAddress,
  type RelayAccess,
} from './relay-access.js';
import type { RelayConnection } from './relay-connection.js';

/** `client.access`: the invite or one-time code the home relay asks of a new identity. */
export class AccessService {
  /** Shown to the home relay until it admits this identity. */
  #credentials: AccessCredentials | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly home: () => RelayConnection,
    /** From the `access` start option, already checked (parseRelayAccess) before the database opened. */
    credentials: AccessCredentials | undefined,
  ) {
    this.#credentials = credentials;
  }

  get credentials(): AccessCredentials | undefined {
    return this.#credentials;
  }

  /** Why the home relay refused this identity (wrong invite or code), until `set` is tried. */
  get denied(): ParleyError | undefined {
    return this.home().refused;
  }

  /** After 'access-denied': authenticates again with another invite or one-time code. */
  set(access: RelayAccess): void {
    this.ctx.assertOpen();
    this.#credentials = parseRelayAccess(access);
    this.home().retryAuth();
  }

  /** Asks the home relay (policy `otp`) to send a one-time code to this phone number or e-mail address. */
  async requestOneTimeCode(address: OtpAddress): Promise<void> {
    this.ctx.assertOpen();
    await this.home().request('otp:request', parseOtpAddress(address));
  }
}
