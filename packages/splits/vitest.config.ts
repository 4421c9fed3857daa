import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Two projects: the pure tests run without TensorFlow.js (fast to start); only
// src/tfjs/ tests load the CPU backend through vitest.setup.ts. The package's own
// name resolves to its sources so that the README examples run as written.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@trainkit\/splits$/, replacement: source('./src/index.ts') },
      { find: /^@trainkit\/splits\/tfjs$/, replacement: source('./src/tfjs/index.ts') },
    ],
  },
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
