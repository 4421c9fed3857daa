import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Two projects so that only the tfjs adapter tests pay for loading TensorFlow.js:
// the pure core's tests run without the tfjs setup file. The README examples
// import the package by name; the aliases point them at the sources.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@trainkit\/metrics\/tfjs$/, replacement: source('./src/tfjs/index.ts') },
      { find: /^@trainkit\/metrics$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['src/**/*.test.ts'],
          exclude: ['src/tfjs/**'],
        },
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
