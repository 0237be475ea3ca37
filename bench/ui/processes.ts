import { readdir, readFile } from 'node:fs/promises';

/** A memory field of a process's /proc status, in kB (0 once the process is gone). */
export async function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'mu').exec(status);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** Renderer processes of the Chromium whose browser process was started with `profileDir`. */
export async function renderersOf(profileDir: string): Promise<number[]> {
  const table = new Map<number, { parent: number; cmdline: string }>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const parent = Number(/^PPid:\s+(\d+)/mu.exec(status)?.[1] ?? 0);
    table.set(pid, { parent, cmdline });
  }
  const ours = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 8; at = table.get(at)?.parent ?? 0, hops++)
      if (table.get(at)?.cmdline.includes(profileDir)) return true;
    return false;
  };
  return [...table.entries()]
    .filter(([pid, { cmdline }]) => cmdline.includes('--type=renderer') && ours(pid))
    .map(([pid]) => pid);
}

/** CPU time (ns) each thread of `pid` has run so far, by thread name (/proc/<pid>/task/<tid>/{comm,schedstat}). */
export async function threadCpuNs(pid: number): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  for (const tid of tids) {
    const comm = (await readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8').catch(() => '')).trim();
    const schedstat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '');
    const ns = Number(schedstat.split(' ')[0] ?? 0);
    if (comm !== '' && Number.isFinite(ns)) byName.set(comm, (byName.get(comm) ?? 0) + ns);
  }
  return byName;
}
