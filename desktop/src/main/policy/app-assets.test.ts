import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeTypeFor, resolveAppAsset } from './app-assets.js';

const APP = 'app://parley';
const root = path.resolve('/opt/parley/renderer');

describe('app:// assets', () => {
  it('serves index.html for the root and files under the renderer folder', () => {
    expect(resolveAppAsset('app://parley/', APP, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset('app://parley/assets/main.js?v=1', APP, root)).toBe(
      path.join(root, 'assets', 'main.js'),
    );
  });

  it.each(['app://parley/../../etc/passwd', 'app://parley/%2e%2e/%2e%2e/etc/passwd'])(
    'keeps the dot segments of %s inside the renderer folder',
    (url) => {
      expect(resolveAppAsset(url, APP, root)).toBe(path.join(root, 'etc', 'passwd'));
    },
  );

  it.each([
    'app://parley/assets/..%2f..%2f..%2fsecret',
    'app://parley/..%5c..%5cwindows%5csystem32',
    'app://parley/index.html%00.png',
    'app://parley/%E0%A4%A',
    'app://other/index.html',
    'file:///opt/parley/renderer/index.html',
  ])('refuses %s', (url) => {
    expect(resolveAppAsset(url, APP, root)).toBeUndefined();
  });

  it('sends scripts and pages with their real types, anything else as bytes', () => {
    expect(mimeTypeFor('a/main.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('index.HTML')).toBe('text/html; charset=utf-8');
    expect(mimeTypeFor('x.exe')).toBe('application/octet-stream');
  });
});
