/**
 * What bench/engine/file-transfer.ts reads from its environment (BENCH_*) and its command line, in one place,
 * each with what it is for. Parsed from the `env` and `argv` given, so this file needs no Node.
 */

/** How the receiving process decrypts (BENCH_RECEIVER_OPENER; processes/receiver.node.ts reads it itself). */
export type ReceiverOpener = 'worker' | 'inline' | 'inline-shared';

/**
 * Where the receiving process keeps the files it receives (BENCH_RECEIVER_SINK; processes/receiver.node.ts
 * reads it itself): on disk, as the apps do, or in the engine's in-memory sink (lib/received-files.node.ts).
 */
export type ReceiverSink = 'disk' | 'memory';

/** Which layouts run: both ends in this process, the receiver in a process of its own, or both in turn. */
export type FileTransferLayout = 'one' | 'two';

export interface FileTransferOptions {
  /** BENCH_FILE_MIB: the file size (default 16 MiB); larger files spread the per-file work over more bytes. */
  readonly fileBytes: number;
  /** BENCH_ROUNDS=n: more rounds, for a steadier figure on a busy machine. */
  readonly rounds: number;
  /**
   * BENCH_MARK_ROUNDS=1: a line on stdout as each two-process round starts and ends, so V8 traces of either end
   * (`--trace-opt --trace-deopt` on this process, or through BENCH_RECEIVER_NODE_FLAGS: the receivers share
   * this stdout) can be split into rounds.
   */
  readonly markRounds: boolean;
  /**
   * BENCH_SENDER_SEALER=inline: the sending device encrypts its file's chunks on its engine thread, as before
   * the client's `attachmentSealer`; by default a worker thread seals them (`workerSealer`), as the apps do.
   */
  readonly sealerInline: boolean;
  /**
   * BENCH_SENDER_ROUNDS=<dir>: a CPU profile of the sending process over each two-process round (engine-<n>,
   * raw-<n>) and its CPU per thread on stderr.
   */
  readonly senderRoundsDir: string | undefined;
  /** BENCH_SENDER_THREADS=1: only the sending process's CPU per thread for each round, without a profile. */
  readonly senderThreads: boolean;
  /**
   * BENCH_RECEIVER_OPENER=inline: the receiver decrypts on its engine's thread, as before the worker;
   * inline-shared: the same into an in-memory sink of shared memory (the worker's default sink, without the
   * worker). Here it only names the layout in the report.
   */
  readonly receiverOpener: ReceiverOpener;
  /**
   * Where the receiving process keeps each file: by default on disk, in a temporary directory (TMPDIR), through
   * the engine's directory sink, as a receiving device does (the desktop and web apps write received files to
   * the origin-private file system from a worker; a Node host gives the client a directory).
   * BENCH_RECEIVER_SINK=memory keeps it in the engine's in-memory sink, the fallback where there is no file
   * storage: a fresh allocation of the file's size per file, whose first touch of every page costs ~11 µs on
   * the virtual machines these figures come from (docs/performance.md). BENCH_RECEIVER_OPENER=inline-shared
   * implies memory. Here it only names the layout in the report.
   */
  readonly receiverSink: ReceiverSink;
  /** --one-process or --two-processes: only that layout; both by default. */
  readonly layouts: readonly FileTransferLayout[];
  /**
   * --shared-raw-receiver: the raw receiver shares the engine receiver's process (the layout of the figures
   * before 2026-12-05 02:00); by default it has a process of its own, so it does not pay part of the garbage
   * collections the engine's allocations start.
   */
  readonly sharedRawReceiver: boolean;
}

export function fileTransferOptions(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): FileTransferOptions {
  const opener = env.BENCH_RECEIVER_OPENER;
  return {
    fileBytes: Number(env.BENCH_FILE_MIB ?? 16) * 1024 * 1024,
    rounds: Number(env.BENCH_ROUNDS ?? 4),
    markRounds: env.BENCH_MARK_ROUNDS === '1',
    sealerInline: env.BENCH_SENDER_SEALER === 'inline',
    senderRoundsDir: env.BENCH_SENDER_ROUNDS,
    senderThreads: env.BENCH_SENDER_THREADS !== undefined,
    receiverOpener: opener === 'inline' || opener === 'inline-shared' ? opener : 'worker',
    receiverSink: receiverSink(env),
    layouts: argv.includes('--one-process')
      ? ['one']
      : argv.includes('--two-processes')
        ? ['two']
        : ['one', 'two'],
    sharedRawReceiver: argv.includes('--shared-raw-receiver'),
  };
}

/** BENCH_RECEIVER_SINK, for the receiving process and the report alike. */
export function receiverSink(env: Readonly<Record<string, string | undefined>>): ReceiverSink {
  return env.BENCH_RECEIVER_SINK === 'memory' || env.BENCH_RECEIVER_OPENER === 'inline-shared'
    ? 'memory'
    : 'disk';
}
