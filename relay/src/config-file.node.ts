import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { OPTIONAL_SETTINGS, PATH_SETTINGS, type RelayConfig } from './config.js';
import { ConfigError } from './config-error.js';

/**
 * The relay's TOML configuration file (`--config parley-relay.toml`). Its tables and keys are RelayConfig's own
 * (config.ts), checked against the shape of `defaultConfig()` rather than a second hand-written schema: an
 * option added to RelayConfig with a default is configurable from the file with no change here, and an
 * optional one without a default only needs its line in OPTIONAL_SETTINGS, and a path its line in PATH_SETTINGS. Unknown keys and values of the wrong
 * type are errors naming the key (`rateLimits.perIdentity.points must be a number`).
 */

type Json = string | number | boolean | Json[] | { [key: string]: Json };
type Kind = 'string' | 'number' | 'boolean' | 'string[]' | 'table';

/** Reads and checks a configuration file; relative paths in it are relative to the file's folder. */
export function readConfigFile(path: string, base: RelayConfig): RelayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  return configFromFile(text, base, { name: path, folder: dirname(resolve(path)) });
}

/** Pure: merges a TOML document over `base` (normally the defaults), checking every key and type. */
export function configFromFile(
  text: string,
  base: RelayConfig,
  source: { name: string; folder: string } = { name: 'config', folder: process.cwd() },
): RelayConfig {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` (line ${error.line}, column ${error.column})` : '';
    const first = String((error as Error).message).split('\n')[0] ?? '';
    throw new ConfigError(`${source.name}: not valid TOML${where}: ${first}`);
  }
  const merged = mergeTable(base as unknown as Record<string, Json>, document, '', source.name);
  // Paths in a file mean the file's folder, wherever the relay is started from.
  for (const path of PATH_SETTINGS) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    const [given, table] = [lookup(document, keys), lookup(merged, keys)];
    const value = given?.[last];
    if (typeof value === 'string' && table) table[last] = resolve(source.folder, value);
  }
  return merged as unknown as RelayConfig;
}

function lookup(tree: Record<string, unknown>, keys: string[]): Record<string, unknown> | undefined {
  let node: unknown = tree;
  for (const key of keys) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

function mergeTable(
  base: Record<string, Json>,
  table: Record<string, unknown>,
  prefix: string,
  file: string,
): Record<string, Json> {
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(table)) {
    const path = `${prefix}${key}`;
    const expected = kindOf(base[key]) ?? OPTIONAL_SETTINGS[path];
    if (expected === undefined) throw new ConfigError(`${file}: unknown setting ${path}`);
    const actual = kindOfValue(value);
    if (expected === 'table') {
      if (actual !== 'table') throw new ConfigError(`${file}: ${path} must be a table`);
      const nested = (base[key] ?? {}) as Record<string, Json>;
      out[key] = mergeTable(nested, value as Record<string, unknown>, `${path}.`, file);
      continue;
    }
    if (actual !== expected && !(expected === 'string[]' && actual === 'empty[]')) {
      throw new ConfigError(`${file}: ${path} must be ${describe(expected)}`);
    }
    if (expected === 'number' && (!Number.isFinite(value) || (value as number) < 0)) {
      throw new ConfigError(`${file}: ${path} must be a number ≥ 0`);
    }
    out[key] = value as Json;
  }
  return out;
}

function kindOf(value: unknown): Kind | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return 'string[]';
  if (typeof value === 'object' && value !== null) return 'table';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return undefined;
}

function kindOfValue(value: unknown): Kind | 'empty[]' | 'other' {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'empty[]';
    return value.every((item) => typeof item === 'string') ? 'string[]' : 'other';
  }
  if (value instanceof Date) return 'other';
  return kindOf(value) ?? 'other';
}

function describe(kind: Kind): string {
  return kind === 'string[]' ? 'a list of strings' : kind === 'table' ? 'a table' : `a ${kind}`;
}
