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
    reporters: ['default'],
  },
});
