import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The vitest configuration of a package with a pure core and a `./tfjs` entry.
 *
 * Two projects, so that only the tfjs adapter tests (src/tfjs/) pay for loading
 * TensorFlow.js (about 5 s per test file) through the package's vitest.setup.ts;
 * the pure core's tests run without it. The package's own name (and `/tfjs`)
 * resolves to its sources, so the README examples run as written, without a build.
 *
 * @param packageName - e.g. `@trainkit/metrics`.
 * @param configUrl - `import.meta.url` of the package's vitest.config.ts.
 */
export function packageTestConfig(packageName: string, configUrl: string) {
  const source = (path: string) => fileURLToPath(new URL(path, configUrl));
  const name = escapeRegExp(packageName);
  return defineConfig({
    resolve: {
      alias: [
        { find: new RegExp(`^${name}/tfjs$`), replacement: source('./src/tfjs/index.ts') },
        { find: new RegExp(`^${name}$`), replacement: source('./src/index.ts') },
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
            setupFiles: [source('./vitest.setup.ts')],
          },
        },
      ],
    },
  });
}
