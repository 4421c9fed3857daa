// The trainer's reference models for the benchmarks: apps/trainer/src/model.ts (the layers are
// defined in internal/mnist/src/models.ts, @trainkit/mnist/models; and the trainer's default
// options, for the CNN's dropout rate) bundled with esbuild into
// bench/.cache, so the benchmarks always train exactly the trainer's architecture; and the
// trainer's own training loop (loadTrainerLoop), bundled from its sources the same way.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', 'apps', 'trainer', 'src');

/**
 * Bundles an entry module of `lines` (re-exports from apps/trainer/src) with esbuild into
 * bench/.cache/<name>.mjs and imports it (fresh each call). `options`: esbuild's
 * externals.
 */
async function bundleAndImport(name, lines, options) {
  const cache = join(here, '.cache');
  mkdirSync(cache, { recursive: true });
  const entry = join(cache, `${name}-entry.mjs`);
  writeFileSync(entry, `${lines.join('\n')}\n`);
  const out = join(cache, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: out,
    logLevel: 'error',
    ...options,
  });
  return import(`${pathToFileURL(out).href}?${Date.now()}`);
}

/**
 * Loads the trainer's `buildModel` and default options. Returns `{ build(kind, seed, dropout)
 * -> { model, dropoutLayers }, defaultDropout, sha256 }`; `sha256` identifies model.ts and the
 * architecture it builds (internal/mnist/src/models.ts).
 */
export async function loadTrainerModels() {
  const module = await bundleAndImport(
    'trainer-model',
    [
      `export { buildModel } from ${JSON.stringify(join(source, 'model.ts'))};`,
      `export * as trainerOptions from ${JSON.stringify(join(source, 'options.ts'))};`,
    ],
    { external: ['@tensorflow/*'] },
  );
  const defaultDropout = module.trainerOptions?.defaultTrainOptions?.dropout ?? 0;
  return {
    defaultDropout,
    sha256: createHash('sha256')
      .update(readFileSync(join(source, 'model.ts')))
      .update(readFileSync(join(here, '..', 'internal', 'mnist', 'src', 'models.ts')))
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

/**
 * The trainer's training loop, bundled from apps/trainer/src (its @trainkit and
 * @tensorflow imports resolve to the workspace packages, the ones the harness uses):
 * `{ trainEpoch(options) -> Promise<TrainerEpoch>, defaultTrainOptions }`.
 *
 * `trainEpoch` opens a run directory under `options.logdir`, sets the run up as `trainkit
 * train` does (setupRun: data split, model, optimizer, schedules, TensorBoard writers,
 * profiler) on the backend already selected, and runs the trainer's `trainEpochs` for
 * `options.epochs` (1) epoch with a silent display. It records the start time of every
 * step (each step begins with its batch gather), the process CPU time at the steps
 * listed in `cpuSteps`, and the time the epoch's end began (its first evaluation phase;
 * run with `validateEvery: 0`, nothing else evaluates); `stepsTime(first)` and
 * `stepsBetween(first, end)` give wall and CPU milliseconds (list `first` and `end` in
 * `cpuSteps`). Also the model (for a test-set evaluation; call `dispose()` after) and
 * the number of training images.
 */
export async function loadTrainerLoop() {
  const file = (name) => JSON.stringify(join(source, name));
  const loop = await bundleAndImport(
    'trainer-loop',
    [
      `export { openRunDirectory } from ${file('run-directory.ts')};`,
      `export { createRunState } from ${file('run-state.ts')};`,
      `export { setupRun } from ${file('run-setup.ts')};`,
      `export { trainEpochs } from ${file('training-loop.ts')};`,
      `export { defaultTrainOptions } from ${file('options.ts')};`,
      `export { neverStop } from ${file('interrupt.ts')};`,
    ],
    { packages: 'external' },
  );
  const silent = {
    live: false,
    log() {},
    warn() {},
    start() {},
    update() {},
    stop() {},
  };
  return {
    defaultTrainOptions: loop.defaultTrainOptions,
    async trainEpoch(options, { cpuSteps = [], beforeSteps } = {}) {
      const directory = await loop.openRunDirectory(options, options.logdir);
      const state = loop.createRunState({ ...options, name: directory.name }, directory.name);
      const run = await loop.setupRun(state, directory, 'wasm', () => {});
      // Every step starts with its batch gather; the epoch's end with its evaluation phase.
      // Process CPU time only at the steps asked for (process.cpuUsage() is a system call:
      // taking it every step would add to the trainer's time).
      const stepStarts = [];
      const stepCpu = new Map();
      const cpuAt = new Set(cpuSteps);
      let endStart;
      let endCpu;
      const gather = run.trainBatches.gather.bind(run.trainBatches);
      run.trainBatches.gather = (indices) => {
        if (stepStarts.length === 0) beforeSteps?.();
        if (cpuAt.has(stepStarts.length)) stepCpu.set(stepStarts.length, process.cpuUsage());
        stepStarts.push(performance.now());
        return gather(indices);
      };
      const phase = run.profiler.phase.bind(run.profiler);
      run.profiler.phase = (index) => {
        if (index === 2 && endStart === undefined) {
          endStart = performance.now();
          endCpu = process.cpuUsage();
        }
        return phase(index);
      };
      const outcome = await loop.trainEpochs(run, { stop: loop.neverStop(), display: silent });
      if (outcome.kind !== 'completed') throw new Error(`trainer epoch: ${outcome.kind}`);
      const cpuMs = (from, to) => (to.user + to.system - from.user - from.system) / 1000;
      return {
        steps: stepStarts.length,
        /** Wall and CPU milliseconds of the steps from `first` (0-based) to the epoch's end. */
        stepsTime(first) {
          return {
            ms: endStart - stepStarts[first],
            cpuMs: cpuMs(stepCpu.get(first), endCpu),
            steps: stepStarts.length - first,
          };
        },
        /** Wall and CPU milliseconds from the start of step `first` to the start of step `end`. */
        stepsBetween(first, end) {
          if (end >= stepStarts.length) {
            throw new Error(`trainer epoch: ${stepStarts.length} steps, asked up to ${end}`);
          }
          return {
            ms: stepStarts[end] - stepStarts[first],
            cpuMs: cpuMs(stepCpu.get(first), stepCpu.get(end)),
            steps: end - first,
          };
        },
        stepStarts,
        trainSize: run.plan.trainSize,
        model: run.model,
        async dispose() {
          await run.dispose();
          await directory.release();
        },
      };
    },
  };
}
