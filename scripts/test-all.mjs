#!/usr/bin/env node
// Runs every check and suite, then prints one line totalling them all: `N passed, N failed, N skipped`.
// Lint, typecheck and the build count as one check each; vitest and Playwright count their tests.
// Everything that may open WebRTC runs inside a network namespace that has only loopback, so no test can
// send a packet anywhere but 127.0.0.1 / ::1 (the project's network rule).
// Each step has a time budget: one that hangs is stopped and counted as failed, naming what was still
// running, so a run always ends with its totals line well inside CI's limit instead of being cut off.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROGRESS_FILE } from './vitest-progress.mjs';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
/** The process group of the step running now, stopped with this script if it is interrupted. */
let current;

/** Signals a whole process group (the step and everything it started), ignoring one already gone. */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    if (current !== undefined) signalGroup(current, 'SIGKILL');
    process.exit(130);
  });

/**
 * Runs one step in its own process group. Past `budgetMinutes` the whole group gets SIGTERM, then SIGKILL
 * 15 s later, and `timedOut` says so. Resolves with the exit status (1 when killed or not started).
 */
async function run(label, command, args, budgetMinutes) {
  console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
  const child = spawn(command, args, { stdio: 'inherit', detached: true });
  current = child.pid;
  let timedOut = false;
  const budget = setTimeout(() => {
    timedOut = true;
    console.log(`\n${label}: still running after its budget of ${budgetMinutes} min; stopping it`);
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 15_000).unref();
  }, budgetMinutes * 60_000);
  const status = await new Promise((resolve) => {
    child.once('error', (error) => {
      console.error(`${label}: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
  clearTimeout(budget);
  // Whatever the step left running (a relay, a browser) goes with it.
  if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  current = undefined;
  return { status, timedOut };
}

async function check(label, command, args, budgetMinutes) {
  const { status } = await run(label, command, args, budgetMinutes);
  if (status === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(label);
  }
}

/** Wraps a shell command so it runs in a fresh user + network namespace whose only interface is loopback. */
function loopbackOnly(shellCommand) {
  return ['unshare', ['-rn', 'sh', '-c', `ip link set lo up && ${shellCommand}`]];
}

function probeNamespace() {
  const [command, args] = loopbackOnly('true');
  const result = spawnSync(command, args, { stdio: 'pipe' });
  if (result.status !== 0) {
    console.error(
      'Cannot create a loopback-only network namespace (`unshare -rn` with `ip` from iproute2).\n' +
        'The suites open WebRTC connections and must not reach any other network; .ci/run installs what is needed.\n' +
        String(result.stderr ?? result.error ?? ''),
    );
    process.exit(2);
  }
}

/** Vitest's budget: its files take about 8 minutes on two cores. */
const VITEST_MINUTES = 20;

async function vitest() {
  const report = '.vitest-report.json';
  rmSync(report, { force: true });
  rmSync(PROGRESS_FILE, { force: true });
  const [command, args] = loopbackOnly(
    `exec npx vitest run --reporter=default --reporter=json --outputFile.json=${report} --reporter=./scripts/vitest-progress.mjs`,
  );
  const { status, timedOut } = await run(
    'unit and integration tests (vitest)',
    command,
    args,
    VITEST_MINUTES,
  );
  if (timedOut) return vitestStopped();
  if (!existsSync(report)) {
    totals.failed += 1;
    failures.push('vitest (no report: the runner itself failed)');
    return;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += result.numPassedTests;
  totals.failed += result.numFailedTests;
  totals.skipped += result.numPendingTests + result.numTodoTests;
  // A file that fails to load, or whose worker crashed part-way (the tests after the crash never ran), has no
  // failed test to count: count the file, so the failure is never invisible in the totals.
  const brokenFiles = result.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  );
  totals.failed += brokenFiles.length;
  // Errors outside any file (an unhandled rejection, a worker that died between files) fail the run too.
  const unexplained = status !== 0 && result.numFailedTests === 0 && brokenFiles.length === 0;
  if (unexplained) totals.failed += 1;
  if (status !== 0 || result.numFailedTests > 0 || brokenFiles.length > 0) failures.push('vitest');
  // Named again at the end, beside the totals: the runner's own account of them is far up a long log.
  for (const file of result.testResults) {
    const where = path.relative(process.cwd(), file.name);
    for (const test of file.assertionResults.filter((t) => t.status === 'failed')) {
      console.log(`\nvitest failed: ${where} › ${test.fullName}\n  ${firstLines(test.failureMessages?.[0])}`);
    }
    for (const test of file.assertionResults.filter((t) => t.status === 'pending' || t.status === 'todo')) {
      console.log(`\nvitest skipped: ${where} › ${test.fullName}`);
    }
    if (brokenFiles.includes(file))
      console.log(`\nvitest file failed: ${where}\n  ${firstLines(file.message)}`);
  }
}

/**
 * Vitest was stopped past its budget, so it wrote no report: count what the progress reporter saw finish,
 * and each file still running as one failure, named with how long it had been running.
 */
function vitestStopped() {
  failures.push(`vitest (stopped after ${VITEST_MINUTES} min)`);
  if (!existsSync(PROGRESS_FILE)) {
    totals.failed += 1;
    console.log('\nvitest was stopped before any test file started');
    return;
  }
  const progress = JSON.parse(readFileSync(PROGRESS_FILE, 'utf8'));
  totals.passed += progress.passed;
  totals.failed += progress.failed + Math.max(progress.running.length, 1);
  totals.skipped += progress.skipped;
  for (const test of progress.failedTests) console.log(`\nvitest failed: ${test}`);
  for (const { file, since } of progress.running) {
    const minutes = ((Date.now() - since) / 60_000).toFixed(1);
    console.log(`\nvitest file never finished: ${file} (running for ${minutes} min when stopped)`);
  }
}

/** The first lines of a failure message: what went wrong, without the whole stack. */
function firstLines(text = '', lines = 6) {
  return String(text).split('\n').slice(0, lines).join('\n  ');
}

/**
 * The browser scenarios' two projects (e2e/playwright.config.ts), one after the other so the calls have both
 * cores: about 8 and 9.5 minutes on two cores. Each gets Playwright's own global timeout, past which it stops
 * and still writes its report (tests it never reached count as skipped, the interrupted one as failed), and a
 * budget a little over it, past which the step is stopped outright.
 */
const PLAYWRIGHT_PROJECTS = [
  { project: 'chats', minutes: 14 },
  { project: 'calls', minutes: 18 },
];

async function playwright({ project, minutes }) {
  // Absolute: Playwright resolves a relative outputFile against the config's folder.
  const report = path.resolve(`.playwright-report-${project}.json`);
  rmSync(report, { force: true });
  // Debian's headless Chromium, one browser per person, against a real relay serving the web client just built.
  const [command, args] = loopbackOnly(
    `PLAYWRIGHT_JSON_OUTPUT_NAME='${report}' exec npx playwright test -c e2e/playwright.config.ts ` +
      `--project=${project} --global-timeout=${minutes * 60_000}`,
  );
  const label = `browser scenarios: ${project} (playwright, chromium)`;
  const { status } = await run(label, command, args, minutes + 3);
  const name = `playwright ${project}`;
  if (!existsSync(report)) {
    totals.failed += 1;
    failures.push(`${name} (no report: the runner itself failed or was stopped)`);
    return;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = result.stats ?? {};
  totals.passed += expected + flaky;
  totals.failed += unexpected;
  totals.skipped += skipped;
  // Errors outside any test (a spec that fails to load, a broken fixture file, the global timeout) have no
  // test to count.
  const errors = (result.errors ?? []).length;
  totals.failed += errors;
  if (status !== 0 && unexpected === 0 && errors === 0) totals.failed += 1;
  if (status !== 0 || unexpected > 0 || errors > 0) failures.push(name);
  for (const test of failedSpecs(result.suites ?? [])) console.log(`\n${name} failed: ${test}`);
  for (const error of result.errors ?? []) console.log(`\n${name} error: ${firstLines(error.message)}`);
}

/** `file › title` of every spec whose outcome was unexpected, walking Playwright's nested suites. */
function failedSpecs(suites) {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? [])
      .filter((spec) => spec.tests?.some((test) => test.status === 'unexpected'))
      .map((spec) => `${spec.file}:${spec.line} › ${spec.title}`),
    ...failedSpecs(suite.suites ?? []),
  ]);
}

/**
 * The SFU suites run against a real mediasoup worker (none are skipped): MEDIASOUP_WORKER_BIN when the caller
 * set it (.ci/run does), else whatever sfu/scripts/build-worker.sh finds or builds (cached after the first time).
 */
function mediasoupWorker() {
  if (process.env.MEDIASOUP_WORKER_BIN) return;
  console.log('\n=== mediasoup worker: sfu/scripts/build-worker.sh');
  const result = spawnSync('bash', ['sfu/scripts/build-worker.sh'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const binary = result.stdout?.trim().split('\n').at(-1);
  if (result.status === 0 && binary) process.env.MEDIASOUP_WORKER_BIN = binary;
  else {
    totals.failed += 1;
    failures.push('mediasoup worker (sfu/scripts/build-worker.sh)');
  }
}

probeNamespace();
mediasoupWorker();
await check('lint (eslint + prettier)', 'npm', ['run', '--silent', 'lint'], 10);
await check('typecheck (tsc -b)', 'npx', ['tsc', '-b'], 10);
// The release build (web client, then the compiled relay) before the suites: the packaging test installs it
// and the browser scenarios load the web client it built.
await check('build (npm run build: web client and compiled relay)', 'npm', ['run', '--silent', 'build'], 10);
await vitest();
for (const project of PLAYWRIGHT_PROJECTS) await playwright(project);

if (failures.length > 0) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
