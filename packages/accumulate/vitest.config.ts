import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The README examples import the package by name; test them against the source.
    alias: [
      {
        find: /^@trainkit\/accumulate\/tfjs$/,
        replacement: fileURLToPath(new URL('./src/tfjs/index.ts', import.meta.url)),
      },
      {
        find: /^@trainkit\/accumulate$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
  },
});
