import { defineConfig } from 'vitest/config';

// Two projects so that only the tfjs adapter tests pay for loading TensorFlow.js:
// the pure schedules are framework-free and their tests do not import it.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'pure', include: ['src/**/*.test.ts'], exclude: ['src/tfjs/**'] },
      },
      {
        extends: true,
        test: {
          name: 'tfjs',
          include: ['src/tfjs/**/*.test.ts'],
          setupFiles: ['./vitest.setup.ts'],
        },
      },
    ],
  },
});
