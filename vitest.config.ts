import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{core,relay,desktop,sfu}/src/**/*.test.ts',
      'e2e/integration/**/*.test.ts',
      'e2e/protocol/**/*.test.ts',
    ],
    // Suites start real relays, redis-servers and WebRTC peers: give them room, but never rely on timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default there is one): most of a file's time is spent
    // waiting on relays, sockets and timers, so a second one nearly halves the wall time (measured on seven of
    // the slowest files: 176 s with one, 118 s with two, 107 s with three but with every call test slowed).
    maxWorkers: 2,
    reporters: ['default'],
  },
});
