import { defineConfig } from 'vitest/config';

// The packages resolve through node_modules to their built entries (dist/), as a user
// installs them; turbo builds them first (the test task depends on ^build).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
