// The trainer's reference models for the benchmarks: apps/trainer/src/model.ts (and the
// trainer's default options, for the CNN's dropout rate) bundled with esbuild into
// bench/.cache, so the benchmarks always train exactly the trainer's architecture.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', 'apps', 'trainer', 'src');

/**
 * Loads the trainer's `buildModel` and default options. Returns `{ build(kind, seed, dropout)
 * -> { model, dropoutLayers }, defaultDropout, sha256 }`; `sha256` identifies model.ts.
 */
export async function loadTrainerModels() {
  const cache = join(here, '.cache');
  mkdirSync(cache, { recursive: true });
  const entry = join(cache, 'trainer-entry.mjs');
  writeFileSync(
    entry,
    `export { buildModel } from ${JSON.stringify(join(source, 'model.ts'))};\nexport * as trainerOptions from ${JSON.stringify(join(source, 'options.ts'))};\n`,
  );
  const out = join(cache, 'trainer-model.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: out,
    external: ['@tensorflow/*'],
    logLevel: 'error',
  });
  const module = await import(`${pathToFileURL(out).href}?${Date.now()}`);
  const defaultDropout = module.trainerOptions?.defaultTrainOptions?.dropout ?? 0;
  return {
    defaultDropout,
    sha256: createHash('sha256')
      .update(readFileSync(join(source, 'model.ts')))
      .digest('hex')
      .slice(0, 16),
    build(kind, seed, dropout = defaultDropout) {
      const built = module.buildModel(kind, seed, dropout);
      // buildModel returned the model itself before the trainer added seeded dropout.
      const model = built.model ?? built;
      const dropoutLayers = built.dropout ?? [];
      return { model, dropoutLayers };
    },
  };
}

/** Sets the mask seed of the trainer's seeded dropout layers (a new mask every step). */
export function seedDropout(dropoutLayers, seed) {
  for (const layer of dropoutLayers) layer.seed = seed;
}
