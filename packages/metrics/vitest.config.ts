import { defineConfig } from 'vitest/config';

// Two projects so that only the tfjs adapter tests pay for loading TensorFlow.js:
// the pure core's tests run without the tfjs setup file.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'core',
          include: ['src/**/*.test.ts'],
          exclude: ['src/tfjs/**'],
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
