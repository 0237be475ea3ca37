/**
 * Keeps the document and this suite from drifting apart: every event, error code and HTTP route that
 * docs/protocol.md lists must be exercised by a test in this folder (found by its literal in the tests).
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const DOC = new URL('../../docs/protocol.md', import.meta.url);

/**
 * Codes the relay itself answers but an outside client cannot provoke deterministically, each with where it
 * is tested instead. Everything else in the error table must appear in this suite.
 */
const NOT_DRIVABLE: Record<string, string> = {
  INTERNAL:
    'a relay bug: nothing a client sends may cause it (relay/src/realtime/robustness.node.test.ts asserts none)',
  UNAVAILABLE:
    'only while the relay shuts down; relay/src/http/streaming.node.test.ts holds a request across it',
  CHALLENGE_EXPIRED: 'needs the relay clock moved; relay/src/realtime/handshake.node.test.ts injects one',
};

async function sources(): Promise<string> {
  const dir = new URL('./', import.meta.url);
  const names = (await readdir(dir)).filter(
    (name) => name.endsWith('.test.ts') && name !== 'coverage.test.ts',
  );
  return (await Promise.all(names.map((name) => readFile(new URL(name, dir), 'utf8')))).join('\n');
}

function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/protocol.md has no "## ${heading}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** First-column code spans of a section's table rows. */
function firstColumn(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''));
}

describe('docs/protocol.md coverage', () => {
  it('exercises every client → relay and relay → client event', async () => {
    const doc = await readFile(DOC, 'utf8');
    const tests = await sources();
    const events = [
      ...firstColumn(section(doc, 'Events, client → relay')),
      ...firstColumn(section(doc, 'Events, relay → client')),
    ];
    expect(events.length).toBeGreaterThan(20);
    expect(events.filter((event) => !tests.includes(`'${event}'`))).toEqual([]);
  });

  it('provokes every relay error code the document lists', async () => {
    const doc = await readFile(DOC, 'utf8');
    const tests = await sources();
    const table = section(doc, 'Error codes')
      .split('\n')
      .filter((line) => line.startsWith('| `') && !line.includes("raised by clients'"));
    const codes = firstColumn(table.join('\n'));
    expect(codes.length).toBeGreaterThan(15);
    const missing = codes.filter((code) => !(code in NOT_DRIVABLE) && !tests.includes(`'${code}'`));
    expect(missing).toEqual([]);
  });

  it('calls every HTTP route the document lists', async () => {
    const doc = await readFile(DOC, 'utf8');
    const tests = await sources();
    const routes = [
      ...section(doc, 'HTTP endpoints').matchAll(/`(GET|POST|PATCH|DELETE|HEAD) (\/[^`\s]*)`/g),
    ].map((match) => ({ method: match[1] ?? '', path: (match[2] ?? '').replace(':hash', '${hash}') }));
    expect(routes.length).toBeGreaterThan(8);
    const missing = routes.filter(({ method, path }) => {
      const literal = path.includes('${') ? `\`${path}\`` : `'${path}'`;
      return !new RegExp(`'${method}', ${literal.replace(/[$/{}`]/g, '\\$&')}`).test(tests);
    });
    expect(missing).toEqual([]);
  });
});
