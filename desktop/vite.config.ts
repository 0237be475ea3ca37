// Builds the web UI (desktop/src/renderer) into desktop/dist/renderer: the Electron shell serves it as
// app://parley/ and the relay serves it at `/` (--web-root), so every URL in the output is relative.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('src/renderer'),
  base: './',
  plugins: [react()],
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
    chunkSizeWarningLimit: 2048,
  },
});
