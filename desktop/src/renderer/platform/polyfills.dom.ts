import { Buffer } from 'buffer';

/*
 * simple-peer (direct links) and the readable-stream it is built on were written for Node: they reach for
 * the globals `Buffer` and `process` (`process.nextTick`, `process.env`). Browsers and Electron's sandboxed
 * renderer have neither, so the entry module imports this file first, before anything loads simple-peer.
 * `global` is rewritten to `globalThis` at build time (vite.config.ts).
 */
interface NodeGlobals {
  Buffer?: unknown;
  process?: unknown;
  global?: unknown;
}

const scope = globalThis as unknown as NodeGlobals;
scope.Buffer ??= Buffer;
scope.global ??= globalThis;
scope.process ??= {
  env: {},
  browser: true,
  version: '',
  versions: {},
  nextTick: (callback: (...args: unknown[]) => void, ...args: unknown[]) =>
    queueMicrotask(() => callback(...args)),
};
