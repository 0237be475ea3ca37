import { pathToFileURL } from 'node:url';

export interface Rate {
  /** Operations per wall-clock second. */
  wall: number;
  /**
   * Operations per second of this process's CPU time (user + system). On a shared machine the wall-clock
   * figure drops with other processes' load; this one mostly does not, so it is the one to compare.
   */
  cpu: number;
}

/** Runs `step` repeatedly for about `seconds` (after a short warm-up). */
export async function rate(seconds: number, step: () => unknown, warmup = 20): Promise<Rate> {
  for (let i = 0; i < warmup; i++) await step();
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    await step();
    count++;
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(startCpu);
  return { wall: count / wallSeconds, cpu: count / ((cpu.user + cpu.system) / 1e6) };
}

/** "1,234/s (2,345/s of CPU time)". */
export function rates(value: Rate, unit: string): string {
  return `${count(value.wall)} ${unit} (${count(value.cpu)} ${unit} of CPU time)`;
}

export const count = (value: number) => Math.round(value).toLocaleString('en-US');
export const fixed = (value: number, digits = 2) => value.toFixed(digits);

export function line(text: string): void {
  console.log(text);
}

export function heading(text: string): void {
  console.log(`\n# ${text}`);
}

/** True when the file was started directly (`npx tsx bench/crypto/x.ts`), not imported by index.ts. */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === url;
}
