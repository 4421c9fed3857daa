import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Two projects: the pure event-file code is tested without TensorFlow.js (each
// test file that loads tfjs pays ~5 s of import), the tfjs adapters with the
// CPU backend set up by vitest.setup.ts. The README examples import the
// package by name; the aliases point them at the sources.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@trainkit\/tensorboard\/tfjs$/, replacement: source('./src/tfjs/index.ts') },
      { find: /^@trainkit\/tensorboard$/, replacement: source('./src/index.ts') },
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
