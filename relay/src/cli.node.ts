import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, configFromFlags, defaultDataDir, ENV, type CliFlags } from './cli-config.node.js';
import { readConfigFile } from './config-file.node.js';
import { defaultConfig, type RelayConfig } from './config.js';
import { backupRelay, restoreRelay } from './ops/backup.node.js';
import { openStore } from './store/open.node.js';

/**
 * `parley-relay`: serve, mint invites, print stats, back up and restore, check a configuration file. Flags win
 * over environment variables, which win over the file (`--config`), which wins over the defaults; the mapping is
 * cli-config.node.ts and config-file.node.ts. Exit status 2 means the operator's settings were wrong, 1 that the
 * relay failed.
 */
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The web client built into the package (build/web beside the compiled CLI), served unless --web-root says otherwise. */
const BUNDLED_WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

function storeOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--config <file>', 'TOML configuration file (docs/relay-operations.md)').env(ENV.config),
    )
    .addOption(new Option('--data-dir <dir>', 'SQLite file and attachment bytes').env(ENV.dataDir))
    .addOption(new Option('--store <kind>', 'sqlite (default) or redis').env(ENV.store))
    .addOption(
      new Option('--redis-url <url>', 'Redis for the store and the Socket.IO adapter').env(ENV.redisUrl),
    )
    .option('--redis-cluster', `the Redis URL names Cluster nodes, comma-separated (${ENV.redisCluster}=1)`);
}

/** Defaults as the CLI sees them: the documented data folder, and the web client when the package has one. */
function cliDefaults(): RelayConfig {
  const webRoot = existsSync(`${BUNDLED_WEB_ROOT}index.html`) ? { webRoot: BUNDLED_WEB_ROOT } : {};
  return defaultConfig({ dataDir: defaultDataDir(process.env), ...webRoot });
}

function resolveConfig(flags: CliFlags): RelayConfig {
  return exitOnConfigError(() => {
    const base = flags.config ? readConfigFile(flags.config, cliDefaults()) : cliDefaults();
    // commander already merged the env of options declared with .env(); configFromFlags sees the rest.
    return configFromFlags(flags, process.env, base);
  });
}

function exitOnConfigError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`parley-relay: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

async function serve(flags: CliFlags): Promise<void> {
  const config = resolveConfig(flags);
  // Loaded here so `invite` and `stats` do not pull in Socket.IO and the rest of the server.
  const { startRelay } = await import('./relay.node.js');
  const relay = await startRelay(config);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // The operator insists: leave now; SQLite's WAL and Redis keep what was already committed.
      relay.context.log.warn({ signal }, 'second signal, exiting without draining');
      process.exit(1);
    }
    relay.context.log.info({ signal }, 'draining before exit');
    relay.close().then(
      () => process.exit(0),
      (error: unknown) => {
        relay.context.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Certificate renewal (certbot's deploy hook, `systemctl reload`): new connections get the new files.
  process.on('SIGHUP', () => {
    if (!config.tls) return void relay.context.log.warn('SIGHUP ignored: the relay serves plain HTTP');
    relay.reloadTls().catch((error: unknown) => {
      relay.context.log.error({ err: error }, 'TLS reload failed; keeping the current certificate');
    });
  });
}

async function invite(flags: CliFlags & { uses: string; expiresDays: string }): Promise<void> {
  const config = resolveConfig(flags);
  const uses = positive('uses', flags.uses);
  const days = positive('expires-days', flags.expiresDays);
  const token = randomBytes(24).toString('base64url');
  const store = await openStore(config);
  try {
    // Only the hash is stored: a leaked database cannot be turned into working invites.
    const tokenHash = createHash('sha256').update(token).digest('hex');
    await store.access.createInvite(tokenHash, uses, Date.now() + days * 24 * 60 * 60 * 1000);
  } finally {
    await store.close();
  }
  console.log(token);
}

async function stats(flags: CliFlags): Promise<void> {
  const config = resolveConfig(flags);
  const store = await openStore(config);
  try {
    const [blobs, attachments] = await Promise.all([store.blobs.stats(), store.attachments.stats()]);
    console.log(
      JSON.stringify({
        blobs: blobs.blobs,
        blobBytes: blobs.bytes,
        attachments: attachments.attachments,
        attachmentBytes: attachments.bytes,
      }),
    );
  } finally {
    await store.close();
  }
}

function configCheck(file: string): void {
  const config = exitOnConfigError(() => configFromFlags({}, {}, readConfigFile(file, cliDefaults())));
  console.log(
    `${file}: ok (store ${config.store.kind}, policy ${config.access.policy}, port ${config.port})`,
  );
}

function positive(name: string, value: string): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError(`${name} must be a positive integer`);
  return parsed;
}

const program = new Command('parley-relay')
  .description(
    "Parley's private relay: signalling, offline blobs and attachments for end-to-end encrypted chats",
  )
  .exitOverride((error) =>
    process.exit(error.code === 'commander.helpDisplayed' || error.exitCode === 0 ? 0 : 2),
  )
  .showHelpAfterError();

/** The serve command's own options; new groups (TLS, adapters) go in beside these as their own functions. */
function serveOptions(command: Command): Command {
  return command
    .addOption(new Option('--port <port>', 'TCP port (default 7777)').env(ENV.port))
    .addOption(new Option('--host <host>', 'address to bind (default 0.0.0.0)').env(ENV.host))
    .addOption(new Option('--policy <policy>', 'who may register: open, invite or otp').env(ENV.policy))
    .addOption(
      new Option('--otp-webhook <url>', 'POSTs one-time codes here (otp policy)').env(ENV.otpWebhook),
    )
    .addOption(
      new Option('--otp-webhook-secret <secret>', 'HMAC key for the webhook').env(ENV.otpWebhookSecret),
    )
    .option(
      '--allowed-origin <origin>',
      `browser origin allowed to connect; repeatable (${ENV.allowedOrigin}=a,b)`,
      collect,
    )
    .option(
      '--public-url <url>',
      `URL clients dial when it is not the listening address (proxy, DNS name); repeatable (${ENV.publicUrl})`,
      collect,
    )
    .option('--turn-url <url>', `TURN server handed to clients; repeatable (${ENV.turnUrl})`, collect)
    .addOption(
      new Option('--turn-secret <secret>', 'shared secret for TURN REST credentials').env(ENV.turnSecret),
    )
    .option('--stun-url <url>', `STUN server handed to clients; repeatable (${ENV.stunUrl})`, collect)
    .addOption(
      new Option('--blob-ttl-days <days>', 'offline blob lifetime (default 30)').env(ENV.blobTtlDays),
    )
    .addOption(
      new Option('--attachment-max-mb <mb>', 'largest attachment (default 4096)').env(ENV.attachmentMaxMb),
    )
    .addOption(
      new Option('--attachment-quota-mb <mb>', 'per-identity attachment bytes').env(ENV.attachmentQuotaMb),
    )
    .addOption(
      new Option('--attachment-ttl-days <days>', 'attachment lifetime (default 30)').env(
        ENV.attachmentTtlDays,
      ),
    )
    .addOption(new Option('--web-root <dir>', 'serve the built web client from here').env(ENV.webRoot))
    .addOption(new Option('--sfu-url <url>', 'public URL of the group-call SFU (parley-sfu)').env(ENV.sfuUrl))
    .addOption(
      new Option('--log-level <level>', 'fatal … trace, or silent (default info)').env(ENV.logLevel),
    );
}

/** What the relay keeps and whom it believes: proxies, the storage ceiling, delivery records, admissions. */
function limitOptions(command: Command): Command {
  return command
    .option(
      '--trusted-proxy <ip>',
      `reverse proxy whose X-Forwarded-For is believed; repeatable (${ENV.trustedProxy}=a,b)`,
      collect,
    )
    .addOption(
      new Option('--storage-max-mb <mb>', 'blob and attachment bytes on the whole relay').env(
        ENV.storageMaxMb,
      ),
    )
    .addOption(
      new Option('--delivery-record-days <days>', 'unacknowledged delivery notices kept (default 7)').env(
        ENV.deliveryRecordDays,
      ),
    )
    .addOption(
      new Option(
        '--admissions-per-hour <n>',
        'new identities per address on an open relay (default 100)',
      ).env(ENV.admissionsPerHour),
    );
}

/** How the relay meets the network beyond one process: TLS it terminates itself, and the Redis adapter mode. */
function edgeOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--redis-adapter <mode>', 'classic or sharded (Redis 7) Pub/Sub between processes').env(
        ENV.redisAdapter,
      ),
    )
    .addOption(
      new Option('--tls-cert <file>', 'serve HTTPS with this PEM certificate chain').env(ENV.tlsCert),
    )
    .addOption(
      new Option('--tls-key <file>', 'and this PEM private key; SIGHUP re-reads both').env(ENV.tlsKey),
    );
}

limitOptions(
  edgeOptions(serveOptions(storeOptions(program.command('serve').description('run the relay')))),
).action((flags: CliFlags) => serve(flags));

storeOptions(program.command('invite').description('print a new invite token (for the invite policy)'))
  .option('--uses <n>', 'identities the token admits', '1')
  .option('--expires-days <days>', 'days until the token expires', '7')
  .action((flags: CliFlags & { uses: string; expiresDays: string }) => invite(flags));

storeOptions(program.command('stats').description('print stored blob and attachment counts as JSON')).action(
  (flags: CliFlags) => stats(flags),
);

storeOptions(
  program
    .command('backup')
    .description('copy the SQLite store (with the relay key) to a folder while the relay runs')
    .argument('<dest>', 'folder to write parley.sqlite into (created if missing)'),
).action(async (dest: string, flags: CliFlags) => {
  const result = await backupRelay(resolveConfig(flags), dest);
  console.log(JSON.stringify(result));
});

storeOptions(
  program
    .command('restore')
    .description('put a backup back into the data directory (stop the relay first)')
    .argument('<src>', 'a folder written by parley-relay backup')
    .option('--force', 'replace an existing store in the data directory'),
).action(async (src: string, flags: CliFlags & { force?: boolean }) => {
  const result = await restoreRelay(resolveConfig(flags), src, { force: flags.force === true });
  console.log(JSON.stringify(result));
});

program
  .command('config')
  .description('configuration files')
  .command('check')
  .description('validate a TOML configuration file and exit 0, or name what is wrong and exit 2')
  .argument('<file>')
  .action((file: string) => configCheck(file));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof InvalidArgumentError || error instanceof ConfigError) {
    console.error(`parley-relay: ${error.message}`);
    process.exit(2);
  }
  console.error('parley-relay:', error);
  process.exit(1);
});
