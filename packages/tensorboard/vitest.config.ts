import { defineConfig } from 'vitest/config';

// Two projects: the pure event-file code is tested without TensorFlow.js (each
// test file that loads tfjs pays ~5 s of import), the tfjs adapters with the
// CPU backend set up by vitest.setup.ts.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'core',
          include: ['src/**/*.test.ts'],
          exclude: ['src/tfjs/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'tfjs',
          include: ['src/tfjs/**/*.test.ts'],
          setupFiles: ['./vitest.setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
