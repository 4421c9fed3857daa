import { defineConfig } from 'vitest/config';

// Two projects: the pure tests run without TensorFlow.js (fast to start); only
// src/tfjs/ tests load the CPU backend through vitest.setup.ts.
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
