import { line, ratio } from '../../relay/lib/report.js';
import { median } from '../../ui/stats.js';
import { mbPerSecond } from './stats.js';

/** One engine round of bench/engine/file-transfer.ts, ms. */
export interface EngineRound {
  readonly totalMs: number;
  /** sendFile until it resolves: the digest pass over the file and queueing the message announcing it. */
  readonly encryptMs: number;
  /** Until the receiver's progress reaches the last byte. */
  readonly transferMs: number;
  /** Until the receiver wrote its first chunk: the announcing message's trip and the transfer's handshake. */
  readonly startMs: number;
  /** From the last byte to the `file` event: the last chunk and the digest check (chunks decrypt as they come). */
  readonly decryptMs: number;
}

/** What one layout of the bench measured: its rounds, and where their time and CPU went. */
export interface Layout {
  readonly raw: number[];
  readonly engine: number[];
  readonly best: EngineRound | undefined;
  /** Process CPU time (user + system, all threads) of the bench process over the engine rounds, ms. */
  readonly cpuMs: number;
  /** The same over the raw rounds (two-process layout: the sending end's CPU alone), ms. */
  readonly rawCpuMs?: number;
  /** The receiver process's CPU per round (two-process layout), ms: what the load on the machine cannot inflate. */
  readonly receiverCpu?: { readonly raw: number[]; readonly engine: number[] };
  /** Where each full-size engine round's time went (two-process layout). */
  readonly phases?: Phases[];
}

/**
 * An engine round in the two-process layout, ms: from sendFile until the receiver's first byte was in its
 * sink (the announcing message and the receiver's set-up; the first 1 MiB travels meanwhile and is held until
 * the receiver attaches); first to last byte;
 * last byte to the `file` event (the trailer and the digest check); the event's IPC back to this process.
 */
export interface Phases {
  readonly start: number;
  readonly bytes: number;
  readonly end: number;
  readonly back: number;
}

/** The layout's lines of the report: its best rounds against the target, then where the time went. */
export function report(
  title: string,
  layout: Layout,
  { fileBytes, target }: { readonly fileBytes: number; readonly target: number },
): void {
  const bestRaw = Math.max(...layout.raw);
  const bestEngine = Math.max(...layout.engine);
  line(
    `${title}: ${bestEngine.toFixed(1)} MB/s = ${ratio(bestEngine, bestRaw)} raw data channel ` +
      `(${bestRaw.toFixed(1)} MB/s; target ≥ ${target})`,
  );
  // Best rounds swing with whatever else the machine does; the medians, and each engine round against the
  // raw round just before it, say more on a busy machine.
  const perRound = layout.engine.map((engine, round) => engine / (layout.raw[round] ?? Number.NaN));
  line(
    `  median rounds: engine ${median(layout.engine).toFixed(1)} MB/s = ` +
      `${ratio(median(layout.engine), median(layout.raw))} raw (${median(layout.raw).toFixed(1)} MB/s); ` +
      `each engine round over the raw round before it: median ${median(perRound).toFixed(2)}×`,
  );
  line(
    `  rounds: engine ${layout.engine.map((v) => v.toFixed(1)).join(', ')} MB/s; ` +
      `raw ${layout.raw.map((v) => v.toFixed(1)).join(', ')} MB/s (MB = 10^6 bytes of the file); ` +
      `bench process CPU over the engine rounds ${Math.round(layout.cpuMs)} ms` +
      (layout.rawCpuMs === undefined ? '' : `, over the raw rounds ${Math.round(layout.rawCpuMs)} ms`),
  );
  const receiver = layout.receiverCpu;
  if (receiver !== undefined) {
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    line(
      `  receiver process CPU per ${fileBytes / 2 ** 20} MiB: engine ` +
        `${receiver.engine.map((v) => Math.round(v)).join(', ')} ms; raw ` +
        `${receiver.raw.map((v) => Math.round(v)).join(', ')} ms → per receiver CPU-second ` +
        `${ratio(sum(receiver.raw), sum(receiver.engine))} raw`,
    );
  }
  const phases = layout.phases;
  if (phases !== undefined && phases.length > 0) {
    const median = (pick: (phase: Phases) => number) => {
      const sorted = phases.map(pick).sort((a, b) => a - b);
      return Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
    };
    line(
      `  engine rounds, medians: sendFile → first byte in the receiver's sink ${median((p) => p.start)} ms, ` +
        `first → last byte ${median((p) => p.bytes)} ms, last byte → file event ${median((p) => p.end)} ms, ` +
        `IPC back ${median((p) => p.back)} ms`,
    );
  }
  const best = layout.best;
  if (best !== undefined) {
    line(
      `  best engine round: encrypt + announce ${Math.round(best.encryptMs)} ms, transfer ` +
        `${Math.round(best.transferMs)} ms (${mbPerSecond(fileBytes, best.transferMs).toFixed(1)} MB/s on the ` +
        `link${Number.isNaN(best.startMs) ? '' : `, of which ${Math.round(best.startMs)} ms before the first chunk was in`})` +
        (Number.isNaN(best.decryptMs) ? '' : `, last chunk + digest check ${Math.round(best.decryptMs)} ms`),
    );
  }
}
