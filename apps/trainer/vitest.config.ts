import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Hooks start real runs and a browser: on a loaded 2-core machine they take longer than vitest's 10 s default.
  test: { include: ['src/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
