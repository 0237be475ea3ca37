import { describe, expect, it } from 'vitest';
import { validateIpc } from './ipc-guard.js';

const APP = 'app://parley';
const app = { frameUrl: 'app://parley/index.html', isMainFrame: true };

describe('IPC guard', () => {
  it('accepts a well-formed call from the app window and returns the parsed payload', () => {
    expect(validateIpc('parley:unread:set', app, { count: 3 }, APP)).toEqual({
      ok: true,
      channel: 'parley:unread:set',
      payload: { count: 3 },
    });
    expect(validateIpc('parley:key:get-database-key', app, {}, APP)).toMatchObject({ ok: true });
  });

  it('rejects a channel that is not declared', () => {
    expect(validateIpc('parley:shell:exec', app, {}, APP)).toMatchObject({ ok: false });
    expect(validateIpc('__proto__', app, {}, APP)).toMatchObject({ ok: false });
    expect(validateIpc('toString', app, {}, APP)).toMatchObject({ ok: false });
  });

  it.each([
    ['a web page the window was navigated to', 'https://evil.example/'],
    ['a look-alike app host', 'app://parley.evil.com/'],
    ['a file:// page', 'file:///tmp/index.html'],
    ['a data: page', 'data:text/html,x'],
  ])('rejects a call from %s', (_name, frameUrl) => {
    expect(validateIpc('parley:key:get-database-key', { frameUrl, isMainFrame: true }, {}, APP)).toEqual({
      ok: false,
      reason: 'sender is not the app',
    });
  });

  it('rejects a call from a frame that is gone or is an iframe', () => {
    expect(
      validateIpc('parley:unread:set', { frameUrl: undefined, isMainFrame: true }, { count: 1 }, APP).ok,
    ).toBe(false);
    expect(validateIpc('parley:unread:set', { ...app, isMainFrame: false }, { count: 1 }, APP)).toEqual({
      ok: false,
      reason: 'sender is a subframe',
    });
  });

  it.each([
    ['an extra field', 'parley:unread:set', { count: 1, exec: 'rm -rf /' }],
    ['a wrong type', 'parley:unread:set', { count: '1' }],
    ['a negative count', 'parley:unread:set', { count: -1 }],
    ['no payload', 'parley:unread:set', undefined],
    [
      'an oversized notification body',
      'parley:notification:show',
      { conversationId: 'c', title: 't', body: 'x'.repeat(10_000) },
    ],
    ['an oversized URL', 'parley:external:open', { url: `https://e.com/${'a'.repeat(5000)}` }],
    [
      'too many relays',
      'parley:relays:allow',
      { origins: Array.from({ length: 100 }, (_, i) => `https://r${i}.example`) },
    ],
    ['a field on an empty request', 'parley:key:get-database-key', { force: true }],
    [
      'a polluted prototype key',
      'parley:login-item:set',
      JSON.parse('{"openAtLogin":true,"__proto__":{"x":1}}'),
    ],
  ])('rejects a payload with %s', (_name, channel, payload) => {
    expect(validateIpc(channel, app, payload, APP)).toMatchObject({ ok: false });
  });
});
