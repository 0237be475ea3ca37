import { randomBytes as nodeRandomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Server as IoServer } from 'socket.io';
import { LIMITS } from '@parley/core';
import { AuthGuards } from './auth/auth-guards.js';
import { clientAddress } from './auth/client-address.js';
import { ed25519SignerFromSeed } from './auth/ed25519.node.js';
import { relayHosts } from './auth/relay-hosts.node.js';
import { createTokenIssuer } from './auth/tokens.node.js';
import type { RelayConfig } from './config.js';
import type { RelayContext } from './context.js';
import { createHttpHandler, type HttpHandler } from './http/index.node.js';
import { readTlsFiles, reloadTls } from './http/tls.node.js';
import { createLogger, type Logger } from './ops/logger.node.js';
import { createMetrics } from './ops/metrics.node.js';
import { startHousekeeping } from './ops/housekeeping.node.js';
import { attachRealtime, type Realtime } from './realtime/index.node.js';
import { createRedisAdapter } from './realtime/redis-adapter.node.js';
import { keyedHash, METADATA_KEY_NAME } from './store/keyed-hash.node.js';
import { openStore } from './store/open.node.js';
import type { RelayStore } from './store/types.js';

export interface RelayOptions {
  /** Injected for tests of expiry; defaults to Date.now. */
  now?: () => number;
  randomBytes?: (length: number) => Uint8Array;
  /** An already opened store (tests share one between relays); otherwise opened from the config. */
  store?: RelayStore;
  logger?: Logger;
}

export interface Relay {
  readonly context: RelayContext;
  readonly io: IoServer;
  /** HTTPS when the config names TLS files. */
  readonly http: HttpServer | HttpsServer;
  /** The port actually bound (differs from config.port when that is 0). */
  readonly port: number;
  readonly url: string;
  /**
   * Re-reads the TLS certificate and key (the CLI calls it on SIGHUP): new connections get the new
   * certificate, open ones stay. Rejects, keeping the current certificate, when the files are unusable or
   * the relay serves plain HTTP.
   */
  reloadTls(): Promise<void>;
  /** Stops accepting, lets in-flight writes finish, disconnects clients and closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startRelay(config: RelayConfig, options: RelayOptions = {}): Promise<Relay> {
  const log = options.logger ?? createLogger(config.logLevel);
  const store = options.store ?? (await openStore(config));
  const randomBytes = options.randomBytes ?? ((length: number) => new Uint8Array(nodeRandomBytes(length)));
  const relaySeed = await store.secrets.getOrCreate('relay-signing-seed', () => randomBytes(32));
  const tokenSecret = await store.secrets.getOrCreate('http-token-secret', () => randomBytes(32));
  const metadataKey = await store.secrets.getOrCreate(METADATA_KEY_NAME, () => randomBytes(32));
  const context: RelayContext = {
    config,
    store,
    log,
    metrics: createMetrics(),
    relayKey: ed25519SignerFromSeed(relaySeed),
    tokens: createTokenIssuer(tokenSecret, config.tokenTtlSeconds * 1000),
    relayHosts: new Set(),
    now: options.now ?? Date.now,
    randomBytes,
    authGuards: new AuthGuards(config.rateLimits, options.now ?? Date.now),
    keyedHash: (purpose, value) => keyedHash(metadataKey, purpose, value),
    clientAddress: (peer, forwardedFor) => clientAddress(peer, forwardedFor, config.trustedProxies),
  };

  const httpHandler: HttpHandler = createHttpHandler(context);
  const handle = (req: IncomingMessage, res: ServerResponse) => httpHandler.handle(req, res);
  const tls = config.tls;
  const https = tls ? createHttpsServer(await readTlsFiles(tls), handle) : undefined;
  const http = https ?? createServer(handle);

  const io = new IoServer(http, {
    maxHttpBufferSize: LIMITS.maxPacketBytes,
    // Browsers are held to the allowlist; native clients send no Origin and are authenticated by signature.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, origin === undefined || originAllowed(origin, config, req.headers.host));
    },
    serveClient: false,
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });
  const adapter = config.redisAdapterUrl
    ? await createRedisAdapter(
        { url: config.redisAdapterUrl, cluster: config.redisCluster === true },
        config.redisAdapterMode,
      )
    : undefined;
  if (adapter) io.adapter(adapter.adapter);

  const realtime: Realtime = attachRealtime(io, context, adapter ?? {});
  const housekeeping = startHousekeeping(context);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  for (const name of relayHosts(config.publicUrls, config.host, port)) context.relayHosts.add(name);
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // What an operator needs on start: where the data is (to back it up) and the key clients will pin.
  log.info(
    {
      url,
      port,
      tls: https !== undefined,
      store: config.store.kind,
      dataDir: resolve(config.dataDir),
      relayKey: Buffer.from(context.relayKey.publicKey).toString('base64url'),
      policy: config.access.policy,
      webRoot: config.webRoot ?? null,
    },
    'relay listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log.info('relay shutting down');
      housekeeping.stop();
      // Stop accepting first, then drain: handlers that already started their store write finish it.
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      await realtime.close();
      await httpHandler.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections();
      await httpClosed;
      await adapter?.close();
      if (!options.store) await store.close();
      log.info('relay stopped');
    })();
    return closing;
  };

  const reload = async () => {
    if (!https || !tls)
      throw new Error('this relay serves plain HTTP: start it with --tls-cert and --tls-key');
    await reloadTls(https, tls);
    log.info({ certFile: tls.certFile }, 'TLS certificate reloaded');
  };

  return { context, io, http, port, url, reloadTls: reload, close };
}

function originAllowed(origin: string, config: RelayConfig, host: string | undefined): boolean {
  if (config.allowedOrigins.includes('*') || config.allowedOrigins.includes(origin)) return true;
  // The web client the relay itself serves is always allowed.
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
