// Test support: bundles a TypeScript entry (and the package sources it imports) into one
// ES module that a child process can run with plain `node`, the way a user runs the built
// package. Only third-party packages stay external.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Bundles `entry` (relative to the package root) into a .mjs file under the package's
 * node_modules/.cache (so that the external packages resolve); returns its path.
 */
export async function bundleForChild(entry: string, name = 'bundle'): Promise<string> {
  const cache = join(packageRoot, 'node_modules', '.cache', 'trainkit-search-tests');
  mkdirSync(cache, { recursive: true });
  const outfile = join(mkdtempSync(join(cache, 'bundle-')), `${name}.mjs`);
  await build({
    entryPoints: [join(packageRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
    alias: {
      '@trainkit/search/node': join(packageRoot, 'src/node/index.ts'),
      '@trainkit/search': join(packageRoot, 'src/index.ts'),
    },
    external: [
      'bullmq',
      'ioredis',
      '@tensorflow/*',
      '@trainkit/tensorboard',
      '@trainkit/stats',
      '@trainkit/core',
    ],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  return outfile;
}

/** The package root, for resolving fixtures. */
export const searchPackageRoot = packageRoot;
