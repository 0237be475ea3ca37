/**
 * One large file over the direct link between two Chromiums, written by the receiver into the Origin Private
 * File System (the web client's file sink), with the receiver's memory sampled once a second throughout:
 * the JavaScript heap (CDP Performance.getMetrics JSHeapUsedSize) and the resident memory of its renderer
 * process (VmRSS, and VmHWM, the kernel's high-water mark, from /proc). Run once, by hand (it is not part of
 * `npm run bench`: 2 GB and a few minutes), inside a loopback-only namespace:
 *   unshare -rn sh -c 'ip link set lo up && npx tsx bench/ui/big-file.ts'
 * PARLEY_BENCH_FILE_MB sets the size (default 2048). Nothing here asserts a number.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { Person } from '../../e2e/browser/support/people.js';
import { attach, messages } from '../../e2e/browser/support/files-and-pairs.js';
import { addContact, conversation, myContactLink, onboard, sendText } from '../../e2e/browser/support/ui.js';
import { WebRelay } from '../../e2e/browser/support/web-relay.js';
import { bigFile, MB } from './payload.js';
import { renderersOf, statusKb } from './processes.js';

const SIZE_MB = Number(process.env.PARLEY_BENCH_FILE_MB ?? 2048);

async function main(): Promise<void> {
  const relay = await WebRelay.start();
  const dir = join(tmpdir(), `parley-big-file-${process.pid}`);
  const people: Person[] = [];
  try {
    const alice = await Person.open('Alice', relay.url);
    const bob = await Person.open('Bob', relay.url);
    people.push(alice, bob);
    await onboard(alice.page, 'Alice');
    await onboard(bob.page, 'Bob');
    await addContact(bob.page, await myContactLink(alice.page));
    await addContact(alice.page, await myContactLink(bob.page));
    await expect(conversation(alice.page, 'Bob')).toBeVisible();
    await sendText(alice.page, 'a big one');
    await sendText(bob.page, 'go');
    await expect(alice.page.getByRole('status', { name: 'Route: Direct' })).toBeVisible({ timeout: 60_000 });

    await import('node:fs/promises').then(({ mkdir }) => mkdir(dir, { recursive: true }));
    const path = join(dir, 'archive.bin');
    await bigFile(path, SIZE_MB);
    const cdp = await bob.page.context().newCDPSession(bob.page);
    await cdp.send('Performance.enable');
    const heap = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
    };
    const renderers = await renderersOf(bob.profileDir);
    const rssBefore = Math.max(...(await Promise.all(renderers.map((pid) => statusKb(pid, 'VmRSS')))));
    const heapBefore = await heap();

    await attach(alice.page, [path]);
    const started = performance.now();
    await alice.page.getByRole('dialog', { name: 'Send file' }).getByRole('button', { name: 'Send' }).click();
    const save = messages(bob.page).getByRole('button', { name: 'Save archive.bin' });
    let heapPeak = heapBefore;
    let rssPeak = rssBefore;
    let samples = 0;
    while (!(await save.isVisible())) {
      heapPeak = Math.max(heapPeak, await heap());
      for (const pid of renderers) rssPeak = Math.max(rssPeak, await statusKb(pid, 'VmRSS'));
      samples++;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (performance.now() - started > 30 * 60_000) throw new Error('no file after 30 minutes');
    }
    const seconds = (performance.now() - started) / 1000;
    const hwm = Math.max(...(await Promise.all(renderers.map((pid) => statusKb(pid, 'VmHWM')))));
    // A string, not a function: tsx would wrap a function written here with helpers the page lacks.
    const stored = await bob.page.evaluate<number>(`(async () => {
      let largest = 0;
      const walk = async (folder) => {
        for await (const handle of folder.values())
          if (handle.kind === 'file') largest = Math.max(largest, (await handle.getFile()).size);
          else await walk(handle);
      };
      await walk(await navigator.storage.getDirectory());
      return largest;
    })()`);
    const mib = (bytes: number) => `${(bytes / MB).toFixed(0)} MiB`;
    console.log(`Direct transfer of ${SIZE_MB} MiB, Chromium to Chromium on loopback, receiver sink OPFS`);
    console.log(
      `  time to "Save" on the receiver: ${seconds.toFixed(1)} s (${(SIZE_MB / seconds).toFixed(1)} MiB/s)`,
    );
    console.log(`  largest file in the receiver's OPFS: ${mib(stored)}`);
    console.log(
      `  receiver JS heap: ${mib(heapBefore)} before, peak ${mib(heapPeak)} (${samples} samples, 1 s apart)`,
    );
    console.log(
      `  receiver renderer RSS: ${(rssBefore / 1024).toFixed(0)} MiB before, peak sampled ${(rssPeak / 1024).toFixed(0)} MiB, VmHWM ${(hwm / 1024).toFixed(0)} MiB (renderers: ${renderers.length})`,
    );
  } finally {
    for (const person of people) await person.destroy();
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
