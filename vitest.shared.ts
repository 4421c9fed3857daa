import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Options of {@link packageTestConfig}; the defaults fit a package with a pure core and `./tfjs`. */
export interface PackageTestOptions {
  /**
   * Which tests load TensorFlow.js through the package's vitest.setup.ts:
   * `'src/tfjs'` (default: a `pure` and a `tfjs` project), `'everywhere'` (one project, the
   * setup file for every test) or `'none'` (one project, no setup file).
   */
  tfjs?: 'src/tfjs' | 'everywhere' | 'none';
  /**
   * Resolve the package's own name (and `/tfjs`) to its sources (default `true`). `false` for
   * an app without a main entry, or tests that import the built packages as a user would.
   */
  sourceAliases?: boolean;
  /** Per-test timeout in ms (default 60_000). */
  testTimeout?: number;
  /** Per-hook timeout in ms (default: vitest's 10_000). */
  hookTimeout?: number;
}

/**
 * The vitest configuration of a package (one style for every workspace).
 *
 * By default two projects, so that only the tfjs adapter tests (src/tfjs/) pay for loading
 * TensorFlow.js (about 5 s per test file) through the package's vitest.setup.ts;
 * the pure core's tests run without it. The package's own name (and `/tfjs`)
 * resolves to its sources, so the README examples run as written, without a build.
 *
 * @param packageName - e.g. `@trainkit/metrics`.
 * @param configUrl - `import.meta.url` of the package's vitest.config.ts.
 * @param options - see {@link PackageTestOptions}.
 */
export function packageTestConfig(
  packageName: string,
  configUrl: string,
  options: PackageTestOptions = {},
) {
  const { tfjs = 'src/tfjs', sourceAliases = true, testTimeout = 60_000, hookTimeout } = options;
  const source = (path: string) => fileURLToPath(new URL(path, configUrl));
  const name = escapeRegExp(packageName);
  const timeouts = hookTimeout === undefined ? { testTimeout } : { testTimeout, hookTimeout };
  const resolve = sourceAliases
    ? {
        alias: [
          { find: new RegExp(`^${name}/tfjs$`), replacement: source('./src/tfjs/index.ts') },
          { find: new RegExp(`^${name}$`), replacement: source('./src/index.ts') },
        ],
      }
    : {};
  if (tfjs !== 'src/tfjs') {
    return defineConfig({
      resolve,
      test: {
        ...timeouts,
        include: ['src/**/*.test.ts'],
        ...(tfjs === 'everywhere' ? { setupFiles: [source('./vitest.setup.ts')] } : {}),
      },
    });
  }
  return defineConfig({
    resolve,
    test: {
      ...timeouts,
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
