import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAttachmentFiles } from '../http/attachment-files.node.js';
import { runHousekeeping } from '../ops/housekeeping.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from '../realtime/test-harness.node.js';
import { SQLITE_FILE } from '../store/open.node.js';
import { bundleFor } from '../testing/bundles.node.js';
import { makeIdentity, type TestClient } from '../testing/client.node.js';
import { startOtpWebhook, type OtpWebhook } from '../testing/otp-webhook.node.js';

const DOC = new URL('../../../docs/crypto.md', import.meta.url);
const MARKER = 'FORGET-ME';

let relay: RealtimeTestRelay | undefined;
let hook: OtpWebhook | undefined;
afterEach(async () => {
  await relay?.stop();
  await hook?.close();
  relay = hook = undefined;
});

/** The "what the relay's disk holds" table: table name → documented columns. */
async function documentedTables(): Promise<Map<string, string[]>> {
  const text = await readFile(DOC, 'utf8');
  const start = text.indexOf("### What the relay's disk holds, and for how long");
  const section = text.slice(start, text.indexOf('\n## ', start));
  const tables = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([a-z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    tables.set(
      name,
      [...(cells[2] ?? '').matchAll(/`([a-z_]+)`/g)].map((match) => match[1] ?? ''),
    );
  }
  return tables;
}

function actualTables(db: Database.Database): Map<string, string[]> {
  const names = db
    .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
  return new Map(
    names.map((name) => [
      name,
      db
        .prepare<[], { name: string }>(`PRAGMA table_info("${name}")`)
        .all()
        .map((column) => column.name),
    ]),
  );
}

async function otpLogin(r: RealtimeTestRelay, webhook: OtpWebhook, address: string): Promise<TestClient> {
  const asker = await r.connect({ skipAuth: true });
  await asker.ok('otp:request', { channel: 'email', address });
  const code = webhook.bodies.at(-1)?.body['code'] ?? '';
  asker.close();
  return r.connect({ otp: { channel: 'email', address, code } });
}

async function http(
  r: RealtimeTestRelay,
  client: TestClient,
  method: string,
  path: string,
  body?: string | Uint8Array,
) {
  const headers: Record<string, string> = { authorization: `Bearer ${client.auth?.token ?? ''}` };
  if (typeof body === 'string') headers['content-type'] = 'application/json';
  if (body instanceof Uint8Array) headers['upload-offset'] = '0';
  const response = await fetch(`${r.relay.url}${path}`, { method, headers, ...(body ? { body } : {}) });
  expect(response.status).toBeLessThan(300);
  return response;
}

describe("the relay's disk after a scripted run", () => {
  it('holds exactly the tables and columns docs/crypto.md lists, and nothing the run deleted', async () => {
    hook = await startOtpWebhook();
    const r = (relay = await startRealtimeRelay({
      access: {
        policy: 'otp',
        otpSender: { kind: 'webhook', url: hook.url },
        otpMaxAttempts: 5,
        otpTtlSeconds: 600,
      },
    }));
    const dataDir = r.relay.context.config.dataDir;
    const alice = await otpLogin(r, hook, `${MARKER.toLowerCase()}-alice@example.org`);
    const bob = await otpLogin(r, hook, `${MARKER.toLowerCase()}-bob@example.org`);
    const carol = makeIdentity();
    // A code asked for and never used: it must be gone once it expired.
    const idle = await r.connect({ skipAuth: true });
    await idle.ok('otp:request', { channel: 'sms', address: '+4915100000001' });

    await alice.ok('prekeys:publish', { bundle: bundleFor(alice, 3) });
    await bob.ok('prekeys:fetch', { identity: alice.identity });
    await alice.ok('username:set', { username: 'forget_me_name' });
    await alice.ok('username:set', { username: null });
    await alice.ok('presence:visibility', { allow: [bob.identity], lastSeen: true });

    // Blobs: one delivered to both and its notices acknowledged; one recalled; one left pending for carol.
    const payload = (n: number) => Buffer.from(`${MARKER}-blob-${n}-${'x'.repeat(100)}`);
    const delivered = await alice.ok('blob:deposit', { recipients: [bob.identity], payload: payload(1) });
    await bob.next('blob');
    await bob.ok('blob:ack', { ids: [delivered.id] });
    const notice = await alice.next('blob:delivered');
    await alice.ok('notice:ack', { notices: [{ id: notice.id, recipient: notice.recipient }] });
    const recalled = await alice.ok('blob:deposit', { recipients: [carol.id], payload: payload(2) });
    await alice.ok('blob:recall', { id: recalled.id });
    await alice.ok('blob:deposit', { recipients: [carol.id], payload: Buffer.from('still-pending') });

    // An attachment uploaded, downloaded and acknowledged.
    const file = Buffer.from(`${MARKER}-attachment-${'y'.repeat(500)}`);
    const hash = createHash('sha256').update(file).digest('hex');
    const create = JSON.stringify({ hash, size: file.length, recipients: [bob.identity] });
    await http(r, alice, 'POST', '/v1/attachments', create);
    await http(r, alice, 'PATCH', `/v1/attachments/${hash}`, file);
    expect(Buffer.from(await (await http(r, bob, 'GET', `/v1/attachments/${hash}`)).arrayBuffer())).toEqual(
      file,
    );
    await http(r, bob, 'POST', `/v1/attachments/${hash}/ack`);

    bob.close();
    alice.close();
    idle.close();
    // Departures are written when the relay sees the disconnect.
    const store = r.relay.context.store;
    await vi.waitFor(async () => expect(await store.presence.getLastSeen(alice.identity)).not.toBeNull());
    r.clock.now += 11 * 60 * 1000;
    await runHousekeeping(r.relay.context, createAttachmentFiles(dataDir));

    const path = join(dataDir, SQLITE_FILE);
    const db = new Database(path, { readonly: true });
    try {
      // Every table and column is documented, and the document lists nothing that does not exist.
      const documented = await documentedTables();
      expect(Object.fromEntries(actualTables(db))).toEqual(Object.fromEntries(documented));

      const count = (sql: string, ...args: unknown[]) =>
        Number(
          db
            .prepare(sql)
            .pluck()
            .get(...args),
        );
      expect(count('SELECT COUNT(*) FROM notices')).toBe(0);
      expect(count('SELECT COUNT(*) FROM delivered')).toBe(0);
      expect(count('SELECT COUNT(*) FROM blobs')).toBe(1);
      expect(count('SELECT COUNT(*) FROM otps')).toBe(0);
      expect(count('SELECT COUNT(*) FROM attachments')).toBe(0);
      // Presence: a row for alice (she shares), none for bob (he never did).
      expect(count('SELECT COUNT(*) FROM presence WHERE identity = ?', bob.identity)).toBe(0);
      expect(count('SELECT COUNT(*) FROM presence WHERE last_seen_at IS NOT NULL')).toBe(1);
    } finally {
      db.close();
    }

    // Read as an auditor would: the raw bytes of the database, its WAL and every attachment file.
    const attachmentFiles = await readdir(join(dataDir, 'attachments'));
    const raw = Buffer.concat(
      await Promise.all(
        [path, `${path}-wal`, ...attachmentFiles.map((name) => join(dataDir, 'attachments', name))].map(
          (file) => readFile(file).catch(() => Buffer.alloc(0)),
        ),
      ),
    );
    expect(raw.includes(MARKER)).toBe(false);
    expect(raw.includes(MARKER.toLowerCase())).toBe(false); // the e-mail addresses
    expect(raw.includes('forget_me_name')).toBe(false);
    expect(raw.includes('+4915100000001')).toBe(false);
    expect(raw.includes(bob.identity)).toBe(false); // allow list, delivery records, attachment recipient
    expect(raw.includes('still-pending')).toBe(true); // the check can fail: undelivered bytes are there
  });
});
