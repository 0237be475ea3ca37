import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromFlags } from './cli-config.node.js';
import { configFromFile } from './config-file.node.js';
import { defaultConfig, OPTIONAL_SETTINGS, type RelayConfig } from './config.js';

type Tree = { [key: string]: unknown };
const source = { name: 'relay.toml', folder: '/etc/parley' };
const fromFile = (text: string) => configFromFile(text, defaultConfig(), source);

/** Every leaf of defaultConfig() by dotted path: what a new option with a default adds to this list by itself. */
function leaves(tree: Tree, prefix = ''): Array<[string, unknown]> {
  return Object.entries(tree).flatMap(([key, value]): Array<[string, unknown]> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? leaves(value as Tree, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value]],
  );
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = tree;
  for (const key of keys) node = (node[key] ??= {}) as Tree;
  node[last] = value;
}

function changed(value: unknown): unknown {
  if (typeof value === 'number') return value + 7;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return ['changed-from-file'];
  return `${String(value)}-changed`;
}

describe('the relay configuration file', () => {
  it("sets every one of the relay's options, so an option added to config.ts is configurable from the file at once", () => {
    const document: Tree = {};
    const expected = structuredClone(defaultConfig()) as unknown as Tree;
    for (const [path, value] of leaves(defaultConfig() as unknown as Tree)) {
      setPath(document, path, changed(value));
      setPath(expected, path, changed(value));
    }
    for (const [path, kind] of Object.entries(OPTIONAL_SETTINGS)) {
      if (kind === 'table') continue; // set through its own keys below it
      const value = kind === 'number' ? 42 : kind === 'boolean' ? true : kind === 'string[]' ? ['x'] : 'x';
      setPath(document, path, value);
      setPath(expected, path, value);
    }
    const config = configFromFile(stringify(document), defaultConfig(), source);
    // Paths in a file are relative to the file's folder.
    expect(config).toEqual({
      ...expected,
      dataDir: '/etc/parley/data-changed',
      webRoot: '/etc/parley/x',
      tls: { certFile: '/etc/parley/x', keyFile: '/etc/parley/x' },
    });
    expect(leaves(defaultConfig() as unknown as Tree).length).toBeGreaterThan(20);
  });

  it('names an unknown key, however deep', () => {
    expect(() => fromFile('prot = 1')).toThrow(new ConfigError('relay.toml: unknown setting prot'));
    expect(() => fromFile('[rateLimits.perIdentity]\npointz = 3')).toThrow(
      'relay.toml: unknown setting rateLimits.perIdentity.pointz',
    );
    expect(() => fromFile('[attachment]\nmaxBytes = 3')).toThrow('unknown setting attachment');
  });

  it('names a key whose value has the wrong type or is negative', () => {
    expect(() => fromFile('port = "7777"')).toThrow('relay.toml: port must be a number');
    expect(() => fromFile('allowedOrigins = "https://a.example"')).toThrow(
      'allowedOrigins must be a list of strings',
    );
    expect(() => fromFile('attachments = 5')).toThrow('attachments must be a table');
    expect(() => fromFile('[blobQuota]\nmaxBytes = -1')).toThrow('blobQuota.maxBytes must be a number ≥ 0');
  });

  it('says where a file is not valid TOML', () => {
    expect(() => fromFile('port = \n')).toThrow(/relay\.toml: not valid TOML \(line 1/);
  });

  it('keeps defaults for what the file leaves out', () => {
    const config = fromFile('[attachments]\nmaxBytes = 1_048_576\n');
    expect(config.attachments).toEqual({ ...defaultConfig().attachments, maxBytes: 1_048_576 });
    expect(config.rateLimits).toEqual(defaultConfig().rateLimits);
  });

  it('lets environment variables and flags win over the file', () => {
    const file = fromFile(
      'port = 8000\nallowedOrigins = ["https://a.example"]\n[access]\npolicy = "invite"\n',
    );
    expect(configFromFlags({}, {}, file)).toMatchObject({
      port: 8000,
      allowedOrigins: ['https://a.example'],
    });
    const overridden = configFromFlags({ policy: 'otp' }, { PORT: '9000' }, file);
    expect(overridden.port).toBe(9000);
    expect(overridden.access.policy).toBe('otp');
    expect(overridden.allowedOrigins).toEqual(['https://a.example']);
  });

  it('holds values from the file to the same rules as flags', () => {
    const check = (text: string) => configFromFlags({}, {}, fromFile(text));
    expect(() => check('[access]\npolicy = "everyone"')).toThrow('policy must be open, invite or otp');
    expect(() => check('port = 70000')).toThrow('port must be an integer 0-65535');
    expect(() => check('[turn]\nurls = ["turn:t.example:3478"]')).toThrow('--turn-url needs --turn-secret');
    expect(() => check('[store]\nkind = "redis"')).toThrow('--store redis needs --redis-url');
  });

  it('refuses a Redis adapter mode other than classic or sharded, and keeps a valid one', () => {
    const check = (text: string) => configFromFlags({}, {}, fromFile(text));
    expect(() => check('redisAdapterMode = "shared"')).toThrow(ConfigError);
    expect(() => check('redisAdapterMode = "shared"')).toThrow(
      'redis-adapter (redisAdapterMode in a config file) must be classic or sharded (got "shared")',
    );
    expect(check('redisAdapterMode = "sharded"').redisAdapterMode).toBe('sharded');
    expect(
      configFromFlags({ redisAdapter: 'classic' }, {}, fromFile('redisAdapterMode = "sharded"'))
        .redisAdapterMode,
    ).toBe('classic');
  });

  it('configures a Redis store, which also carries Socket.IO between processes', () => {
    const config: RelayConfig = configFromFlags(
      {},
      {},
      fromFile('[store]\nkind = "redis"\nurl = "redis://127.0.0.1:6379"\n'),
    );
    expect(config.store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(config.redisAdapterUrl).toBe('redis://127.0.0.1:6379');
  });
});
