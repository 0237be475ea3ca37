import type { AuthGuards } from './auth/auth-guards.js';
import type { Ed25519Signer } from './auth/ed25519.node.js';
import type { TokenIssuer } from './auth/tokens.node.js';
import type { RelayConfig } from './config.js';
import type { Logger } from './ops/logger.node.js';
import type { RelayMetrics } from './ops/metrics.node.js';
import type { HashPurpose } from './store/keyed-hash.node.js';
import type { RelayStore } from './store/types.js';

/** Everything a handler may use, built once by `createRelay` and passed down; nothing is a module global. */
export interface RelayContext {
  readonly config: RelayConfig;
  readonly store: RelayStore;
  readonly log: Logger;
  readonly metrics: RelayMetrics;
  /** The relay's signing key (recall receipts); the same on every process of one deployment. */
  readonly relayKey: Ed25519Signer;
  readonly tokens: TokenIssuer;
  /**
   * The hosts (`relayHostOf` form) a client may have dialled to reach this relay: the public URLs and the
   * listening address. Filled once the server listens (the port may be chosen then); logins name one.
   */
  readonly relayHosts: Set<string>;
  readonly now: () => number;
  readonly randomBytes: (length: number) => Uint8Array;
  /** HMAC under the relay's metadata key: what the store keeps instead of identities, addresses, allow lists. */
  readonly keyedHash: (purpose: HashPurpose, value: string) => string;
  /** Failed-login and admission budgets, shared by every connection of this process. */
  readonly authGuards: AuthGuards;
  /** The client's address for per-address limits, through the trusted-proxy setting. */
  readonly clientAddress: (peer: string | undefined, forwardedFor: string | string[] | undefined) => string;
}
