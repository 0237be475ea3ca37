import nacl from 'tweetnacl';
import type { CryptoBackend } from './backend/backend.js';
import { tweetnaclBackend } from './backend/tweetnacl.js';

/** Randomness, the clock and the backend come in from outside, so tests can be deterministic. */
export interface CryptoOptions {
  backend?: CryptoBackend;
  randomBytes?: (length: number) => Uint8Array;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

export interface CryptoContext {
  readonly backend: CryptoBackend;
  readonly randomBytes: (length: number) => Uint8Array;
  readonly now: () => number;
}

export function resolveOptions(options: CryptoOptions = {}): CryptoContext {
  return {
    backend: options.backend ?? tweetnaclBackend,
    randomBytes: options.randomBytes ?? ((length) => nacl.randomBytes(length)),
    now: options.now ?? (() => Date.now()),
  };
}
