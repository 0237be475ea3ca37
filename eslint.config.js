import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Bare names only: a `patterns` entry named 'crypto' would also match core's own ./crypto/ folder.
const NODE_BUILTINS = [
  'fs',
  'path',
  'crypto',
  'http',
  'net',
  'os',
  'child_process',
  'stream',
  'buffer',
  'url',
];
const RENDERER_MESSAGE = 'the renderer has no Node: use the DOM, or ask main through window.parley';
const PLATFORM_MESSAGE = 'core/ is platform-neutral; inject it or put it in a *.node.ts / *.dom.ts file';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'relay/build/**',
      '**/data/**',
      'coverage/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // core/ runs in Node and in browsers: platform code lives only in files that say so in their name.
    files: ['core/src/**/*.ts'],
    ignores: [
      'core/src/**/*.node.ts',
      'core/src/**/*.dom.ts',
      'core/src/**/*.test.ts',
      'core/src/**/testing/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.map((name) => ({ name, message: PLATFORM_MESSAGE })),
          patterns: [{ group: ['node:*'], message: PLATFORM_MESSAGE }],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'window', 'document', 'require'],
    },
  },
  {
    // The web UI runs in browsers and Electron's sandboxed renderer: DOM globals, no Node. simple-peer's
    // Buffer/process polyfill is the one exception, in platform/polyfills.dom.ts.
    files: ['desktop/src/renderer/**/*.{ts,tsx}'],
    ignores: ['desktop/src/renderer/**/*.test.ts', 'desktop/src/renderer/platform/polyfills.dom.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.map((name) => ({ name, message: RENDERER_MESSAGE })),
          patterns: [
            { group: ['node:*'], message: RENDERER_MESSAGE },
            { group: ['**/main/*', 'electron'], message: RENDERER_MESSAGE },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require', '__dirname'],
    },
  },
);
