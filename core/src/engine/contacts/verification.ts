import { ParleyError } from '../../errors/index.js';
import {
  acceptIdentity,
  formatSafetyNumber,
  markVerified,
  matchesScannedQr,
  parseIdentityString,
  safetyNumber,
} from '../../crypto/index.js';
import { toBase64Url } from '../../protocol/encoding.js';
import type { EngineContext } from '../context.js';
import type { SafetyNumberView, VerificationState } from './types.js';

const VERIFIED_PREFIX = 'verified:';

/**
 * Safety numbers and verification of contacts. The key a user verified is kept (sealed engine state) next
 * to the crypto layer's `verified` flag, so a key that changes afterwards shows as 'changed', not as
 * silently verified or silently unverified. A change is reported with the 'verification' event.
 */
export class Verification {
  /** Last state reported per account, to emit 'verification' only on a change. */
  readonly #known = new Map<string, VerificationState>();

  constructor(private readonly ctx: EngineContext) {}

  /** Safety numbers are the account's, not the device's: a linked device shows the primary's key. */
  #accountKey(): Uint8Array {
    return parseIdentityString(this.ctx.self.name);
  }

  async safetyNumber(account: string): Promise<SafetyNumberView> {
    const key = await this.#currentKey(account);
    const number = safetyNumber(this.#accountKey(), key, this.ctx.crypto);
    const digits = formatSafetyNumber(number);
    return { digits, groups: digits.split(' '), qrPayload: number.qrPayload };
  }

  /** True when `scanned` (the contact's QR code) shows the same pair of keys as ours for that contact. */
  async matchesSafetyQr(account: string, scanned: Uint8Array): Promise<boolean> {
    if (!(scanned instanceof Uint8Array)) throw new ParleyError('BAD_REQUEST', 'a QR payload is bytes');
    const key = await this.#currentKey(account);
    return matchesScannedQr(safetyNumber(this.#accountKey(), key, this.ctx.crypto), scanned);
  }

  async setVerified(account: string, verified: boolean): Promise<void> {
    if (typeof verified !== 'boolean') throw new ParleyError('BAD_REQUEST', 'verified is true or false');
    const key = await this.#currentKey(account);
    const now = this.ctx.now();
    if (verified) {
      await markVerified(this.ctx.db.identities, account, key, now);
      await this.ctx.state.put(`${VERIFIED_PREFIX}${account}`, toBase64Url(key));
    } else {
      await acceptIdentity(this.ctx.db.identities, account, key, now);
      await this.ctx.state.delete(`${VERIFIED_PREFIX}${account}`);
    }
    await this.state(account);
  }

  /** The contact's verification now; emits 'verification' if it differs from what was last reported. */
  async state(account: string): Promise<VerificationState> {
    const verifiedKey = await this.ctx.state.get(`${VERIFIED_PREFIX}${account}`);
    let state: VerificationState = 'unverified';
    if (typeof verifiedKey === 'string') {
      const current = toBase64Url(await this.#currentKey(account));
      state = current === verifiedKey ? 'verified' : 'changed';
    }
    const previous = this.#known.get(account);
    this.#known.set(account, state);
    if (previous !== undefined && previous !== state) this.ctx.emit('verification', { account, state });
    if (previous === undefined && state === 'changed') this.ctx.emit('verification', { account, state });
    return state;
  }

  /** After a message from `account` was stored: a verified contact's key may have changed. */
  async check(account: string): Promise<void> {
    if ((await this.ctx.state.get(`${VERIFIED_PREFIX}${account}`)) === undefined) return;
    await this.state(account);
  }

  /** The identity key this device uses for the account: the one its sessions trust, else the account's own. */
  async #currentKey(account: string): Promise<Uint8Array> {
    if (typeof account !== 'string' || account.length === 0) {
      throw new ParleyError('BAD_REQUEST', 'an account is its identity string');
    }
    if (account === this.ctx.self.name) throw new ParleyError('BAD_REQUEST', 'that is this account');
    if ((await this.ctx.db.contacts.get(account)) === undefined) {
      throw new ParleyError('NOT_FOUND', `no contact ${account.slice(0, 8)}…`);
    }
    const trusted = await this.ctx.db.identities.getTrusted(account);
    if (trusted !== undefined) return trusted.identityKey;
    try {
      return parseIdentityString(account);
    } catch (cause) {
      throw new ParleyError('BAD_REQUEST', 'not an account identity string', { cause });
    }
  }
}
