import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    // The test files share no mutable module state (each test builds its own
    // profiler, model and tensors), so one module graph per worker is safe and
    // saves importing tfjs once per file (about 5 s each).
    isolate: false,
  },
});
