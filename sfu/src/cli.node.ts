import { fromBase64Url } from '@parley/core';
import { Command, Option } from 'commander';
import { SFU_ENV, SfuConfigError, sfuConfigFromFlags, type SfuCliFlags } from './cli-config.node.js';

/**
 * `parley-sfu`: the group-call SFU beside a Parley relay. Flags win over environment variables. Exit status 2
 * means the operator's flags were wrong, 1 that the SFU failed.
 */
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The relay's public key from the flag, or from the relay's `/v1/relay` (retried while the relay starts). */
async function relayPublicKey(flags: SfuCliFlags): Promise<Uint8Array> {
  if (flags.relayKey) {
    try {
      const key = fromBase64Url(flags.relayKey.trim());
      if (key.length === 32) return key;
    } catch {
      // Reported below.
    }
    throw new SfuConfigError('relay-key must be the relay’s 32-byte Ed25519 public key in base64url');
  }
  if (!flags.relayUrl)
    throw new SfuConfigError('give --relay-key or --relay-url (the SFU checks tokens the relay signs)');
  const url = new URL('/v1/relay', flags.relayUrl);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(url);
      const body = (await response.json()) as { relayKey?: unknown };
      if (typeof body.relayKey === 'string') return fromBase64Url(body.relayKey);
      throw new Error('no relayKey in /v1/relay');
    } catch (error) {
      if (attempt >= 60) throw new Error(`cannot read the relay key from ${url.href}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function serve(flags: SfuCliFlags): Promise<void> {
  let config;
  try {
    config = sfuConfigFromFlags(flags, await relayPublicKey(flags));
  } catch (error) {
    if (error instanceof SfuConfigError) {
      console.error(`parley-sfu: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // Loaded here so --help does not start mediasoup.
  const { startSfu } = await import('./server.node.js');
  const sfu = await startSfu(config);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      sfu.context.log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    sfu.context.log.info({ signal }, 'closing rooms and workers before exit');
    sfu.close().then(
      () => process.exit(0),
      (error: unknown) => {
        sfu.context.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

const program = new Command('parley-sfu')
  .description("Parley's group-call SFU (mediasoup): forwards end-to-end encrypted media it cannot read")
  .exitOverride((error) =>
    process.exit(error.code === 'commander.helpDisplayed' || error.exitCode === 0 ? 0 : 2),
  )
  .showHelpAfterError()
  .addOption(
    new Option('--port <port>', 'signalling, /healthz and /metrics TCP port (default 7780)').env(
      SFU_ENV.port,
    ),
  )
  .addOption(
    new Option('--host <host>', 'address the signalling port binds (default 0.0.0.0)').env(SFU_ENV.host),
  )
  .addOption(new Option('--workers <n>', 'mediasoup workers (default: one per core)').env(SFU_ENV.workers))
  .addOption(new Option('--worker-bin <path>', 'the mediasoup-worker binary').env(SFU_ENV.workerBin))
  .addOption(
    new Option('--listen-ip <ip>', 'address media sockets bind (default 0.0.0.0)').env(SFU_ENV.listenIp),
  )
  .addOption(
    new Option('--announced-ip <address>', 'address clients send media to (public IP or name)').env(
      SFU_ENV.announcedIp,
    ),
  )
  .addOption(
    new Option('--rtc-port <port>', 'worker i serves WebRTC on UDP+TCP port + i (default 40000)').env(
      SFU_ENV.rtcPort,
    ),
  )
  .addOption(new Option('--rtc-min-port <port>', 'lowest port for other transports').env(SFU_ENV.rtcMinPort))
  .addOption(new Option('--rtc-max-port <port>', 'highest port for other transports').env(SFU_ENV.rtcMaxPort))
  .addOption(
    new Option(
      '--max-consumers-per-worker <n>',
      'spread a room to another worker beyond this (default 500)',
    ).env(SFU_ENV.maxConsumersPerWorker),
  )
  .addOption(new Option('--relay-key <base64url>', 'the relay’s Ed25519 public key').env(SFU_ENV.relayKey))
  .addOption(
    new Option('--relay-url <url>', 'read the relay key from this relay’s /v1/relay').env(SFU_ENV.relayUrl),
  )
  .option(
    '--allowed-origin <origin>',
    `browser origin allowed to connect; repeatable (${SFU_ENV.allowedOrigin})`,
    collect,
  )
  .addOption(
    new Option('--log-level <level>', 'fatal … trace, or silent (default info)').env(SFU_ENV.logLevel),
  )
  .action((flags: SfuCliFlags) => serve(flags));

if (!process.argv.slice(2).some((arg) => arg === '--allowed-origin') && process.env[SFU_ENV.allowedOrigin]) {
  process.argv.push('--allowed-origin', process.env[SFU_ENV.allowedOrigin] ?? '');
}

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error('parley-sfu:', error);
  process.exit(1);
});
