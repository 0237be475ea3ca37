/** Plain-line output shared by the relay benches: thousands separators, ratios with two decimals. */

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function ratio(measured: number, baseline: number): string {
  return `${(measured / baseline).toFixed(2)}×`;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Prints one result line, prefixed so the runner's output reads as one report. */
export function line(text: string): void {
  console.log(`  ${text}`);
}

export function heading(text: string): void {
  console.log(`\n${text}`);
}
