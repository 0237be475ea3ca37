import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile, textFile } from './files.js';

describe('text files in userData', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-desktop-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nothing before the first write, then what was written, leaving no temporary files', async () => {
    const file = textFile(path.join(dir, 'nested', 'state.json'));
    expect(await file.read()).toBeUndefined();
    await file.write('one');
    await file.write('two');
    expect(await file.read()).toBe('two');
    expect(await readdir(path.join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('reads back JSON of the expected shape, and nothing from a file that is absent, damaged or of another shape', async () => {
    const schema = z.object({ version: z.literal(1), origins: z.array(z.string()) });
    const file = textFile(path.join(dir, 'relays.json'));
    expect(await readJsonFile(file, schema)).toBeUndefined();
    await file.write(JSON.stringify({ version: 1, origins: ['https://relay.example'] }));
    expect(await readJsonFile(file, schema)).toEqual({ version: 1, origins: ['https://relay.example'] });
    await file.write('{"version": 1, "origins": [');
    expect(await readJsonFile(file, schema)).toBeUndefined();
    await file.write(JSON.stringify({ version: 2, origins: 'https://relay.example' }));
    expect(await readJsonFile(file, schema)).toBeUndefined();
  });
});
