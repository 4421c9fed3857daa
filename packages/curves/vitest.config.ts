import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Two projects so that only the tfjs adapter tests pay for loading TensorFlow.js.
// The package's own name resolves to its sources, so that the README examples
// (src/readme.test.ts, src/tfjs/readme.test.ts) run as written, without a build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@trainkit\/curves$/, replacement: source('./src/index.ts') },
      { find: /^@trainkit\/curves\/tfjs$/, replacement: source('./src/tfjs/index.ts') },
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
