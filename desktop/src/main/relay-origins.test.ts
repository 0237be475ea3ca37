import { describe, expect, it } from 'vitest';
import { memoryFile } from './testing/memory-file.js';
import { RelayOrigins } from './relay-origins.js';

describe('relay origins allowed by the CSP', () => {
  it('adds new relays, asks for a reload, and remembers them across starts', async () => {
    const file = memoryFile();
    const relays = new RelayOrigins(file);
    await relays.load();
    expect(await relays.allow(['wss://relay.example:7777/'])).toEqual({ reloadRequired: true });
    expect(await relays.allow(['https://relay.example:7777'])).toEqual({ reloadRequired: false });
    const again = new RelayOrigins(file);
    await again.load();
    expect(again.list()).toEqual(['https://relay.example:7777']);
  });

  it('refuses anything that is not a plain origin and stores nothing', async () => {
    const file = memoryFile();
    const relays = new RelayOrigins(file);
    await expect(relays.allow(["https://ok.example; script-src 'unsafe-inline'"])).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(relays.allow(['https://ok.example', 'javascript:alert(1)'])).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(file.text).toBeUndefined();
  });

  it('drops tampered entries and treats a damaged file as empty', async () => {
    const tampered = new RelayOrigins(
      memoryFile(
        JSON.stringify({ version: 1, origins: ['https://ok.example', "'unsafe-eval'", 'https://*.x'] }),
      ),
    );
    await tampered.load();
    expect(tampered.list()).toEqual(['https://ok.example']);
    const damaged = new RelayOrigins(memoryFile('{oops'));
    await damaged.load();
    expect(damaged.list()).toEqual([]);
  });
});
