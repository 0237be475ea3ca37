// Builds the web UI (desktop/src/renderer) into desktop/dist/renderer: the Electron shell serves it as
// app://parley/ and the relay serves it at `/` (--web-root), so every URL in the output is relative.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
// By path, not by package name: Vite compiles a config's relative imports, while it hands a package's to Node,
// which cannot load core's TypeScript.
import { WEB_CLIENT_CSP_META } from '../core/src/web-client/csp.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The web client's Content-Security-Policy as a <meta> tag, in the built page only (Vite's dev server needs
 * an inline preamble). The policy itself lives in core (web-client/csp.ts), which the relay's header also
 * comes from. Electron's header CSP (main/policy/csp.ts) still applies on desktop (both policies must pass).
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'parley-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: WEB_CLIENT_CSP_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * Fontsource's CSS lists a .woff fallback after each .woff2 file; every browser Parley runs in (Chromium 120+,
 * Electron) takes the .woff2, so the fallbacks would only double the emoji fonts' weight in the build and in the
 * relay's package (about 17 MB). Drop them from @fontsource stylesheets before Vite resolves their URLs.
 */
function woff2Only(): Plugin {
  return {
    name: 'parley-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@fontsource[\\/].+\.css$/u.test(id)) return undefined;
      return code.replace(/,\s*url\([^)]+\.woff\)\s*format\(['"]woff['"]\)/gu, '');
    },
  };
}

export default defineConfig({
  root: here('src/renderer'),
  base: './',
  plugins: [woff2Only(), react(), contentSecurityPolicy()],
  // simple-peer and its streams are CommonJS written for Node: `global` is the only name they use bare
  // that a browser lacks at parse time; Buffer and process come from platform/polyfills.dom.ts.
  define: { global: 'globalThis' },
  build: {
    outDir: here('dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // The CSP has `script-src 'self'` without inline scripts: no inline modulepreload polyfill.
    modulePreload: { polyfill: false },
    // font-src 'self' admits no data: URL: fonts (the emoji fonts' small unicode-range slices) stay files.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf|otf)$/u.test(file) ? false : undefined),
    chunkSizeWarningLimit: 2048,
  },
});
