import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Pure package (no TensorFlow.js). The package name resolves to the sources so that the
// README examples run as written, without a build.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@trainkit\/stats$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
