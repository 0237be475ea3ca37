import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * deploy/parley-relay.service, checked by systemd's own tools where they are installed (Debian's `systemd`
 * package; CI installs it), and by reading it otherwise. The unit is never started here: the test machine's
 * PID 1 is not systemd, and the relay's behaviour under it is the CLI's, tested elsewhere.
 */
const UNIT = fileURLToPath(new URL('../../../deploy/parley-relay.service', import.meta.url));
const INSTALLED_BIN = '/usr/local/bin/parley-relay';
/** systemd-analyze, bounded: spawnSync blocks this worker's event loop, where the test timeout runs. */
function systemdAnalyze(args: string[]) {
  return spawnSync('systemd-analyze', args, { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
}
const analyze = systemdAnalyze(['--version']);
const haveSystemd = analyze.status === 0;

let dir: string;
let unitText: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-unit-'));
  unitText = await readFile(UNIT, 'utf8');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The unit as verify sees it: with ExecStart's program swapped for one that exists on this machine. */
async function unitWithProgram(text: string): Promise<string> {
  const program = join(dir, 'parley-relay');
  await writeFile(program, '#!/bin/sh\nexit 0\n');
  await chmod(program, 0o755);
  const file = join(dir, 'parley-relay.service');
  expect(text).toContain(`ExecStart=${INSTALLED_BIN} serve`);
  await writeFile(file, text.replace(INSTALLED_BIN, program));
  return file;
}

function directive(name: string): string[] {
  return unitText
    .split('\n')
    .filter((line) => line.startsWith(`${name}=`))
    .map((line) => line.slice(name.length + 1).trim());
}

describe('the systemd unit', () => {
  it('runs as a user of its own with its state directory, hardened, and restarts on failure', () => {
    expect(directive('DynamicUser')).toEqual(['yes']);
    expect(directive('User')).toEqual(['parley-relay']);
    expect(directive('StateDirectory')).toEqual(['parley-relay']);
    expect(directive('NoNewPrivileges')).toEqual(['yes']);
    expect(directive('ProtectSystem')).toEqual(['strict']);
    expect(directive('PrivateTmp')).toEqual(['yes']);
    // Empty: no capabilities at all (the relay binds an unprivileged port).
    expect(directive('CapabilityBoundingSet')).toEqual(['']);
    expect(directive('Restart')).toEqual(['on-failure']);
    expect(directive('ExecStart')[0]).toMatch(/^\/usr\/local\/bin\/parley-relay serve --config /);
  });

  it.skipIf(!haveSystemd)('passes systemd-analyze verify with nothing to say', async () => {
    const file = await unitWithProgram(unitText);
    const result = systemdAnalyze(['verify', '--man=no', file]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!haveSystemd)('fails verify for a misspelt directive, so the check above can fail', async () => {
    const file = await unitWithProgram(unitText.replace('ProtectSystem=strict', 'ProtectSystm=strict'));
    const result = systemdAnalyze(['verify', '--man=no', file]);
    expect(result.stderr).toMatch(/Unknown key.*'ProtectSystm'/);
  });

  it.skipIf(!haveSystemd)("rates low on systemd's exposure scale (≤ 2.0 of 10)", async () => {
    const file = await unitWithProgram(unitText);
    const result = systemdAnalyze(['security', '--offline=true', '--no-pager', file]);
    const exposure = /Overall exposure level for [^:]+: (\d+\.\d)/.exec(result.stdout);
    expect(exposure, result.stdout + result.stderr).not.toBeNull();
    expect(Number(exposure?.[1])).toBeLessThanOrEqual(2);
  });
});
