// The peer harness: one MNIST epoch (batch 128, Adam 1e-3) with the trainer's MLP and CNN
// in PyTorch (1 and 2 threads, OpenBLAS), in a bare TensorFlow.js loop on the wasm
// backend with trainkit's kernels, and in the trainer's own training loop (apps/trainer),
// interleaved in one run, medians over runs; plus the MLP step time at batch 32/128/512 in
// all three. Prints a table and writes a JSON result (read later by the BENCHMARKS.md
// generator). See bench/README.md.
//
//   npx turbo run build --filter=@trainkit/backend... --filter=@trainkit/mnist...
//   node bench/peers.mjs                 5 interleaved runs of everything (about 4 minutes)
//   node bench/peers.mjs --quick         seconds: 1 run, 10 steps per epoch (CI smoke, not timed)
//   node bench/peers.mjs --help          every option
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs-core';
import { registerAccumulatingOptimizer } from '@trainkit/accumulate';
import {
  formatBackendSelection,
  fusedAdam,
  fusedSoftmaxCrossEntropy,
  selectBackend,
} from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import {
  bareLoop,
  evaluateAccuracy,
  gather,
  layerSpec,
  permutation,
  step,
  writeCached,
} from './lib/bare-loop.mjs';
import { loadTrainerLoop, loadTrainerModels } from './trainer-model.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

// ---------------------------------------------------------------- options

const HELP = `node bench/peers.mjs [options]
  --quick              1 run, ${'10'} steps per epoch, 1,000 test images, 3 timed scaling steps (seconds; CI smoke)
  --runs N             interleaved runs per configuration (default 5; medians over them)
  --models mlp,cnn     which models (default both)
  --threads 1,2        PyTorch thread counts (default 1,2; ratios are to the first)
  --batches 32,128,512 batch sizes of the MLP step-time scaling rows ('' for none)
  --steps K            cap each epoch at K steps (default: the full epoch of 469)
  --scaling-steps K    timed steps of each step-time row (default 100, after 10 warm-up steps)
  --optimizers adam,fusedAdam  the bare tfjs loops compared: 'adam' = stock ops (tf.train.adam,
                       tf.losses.softmaxCrossEntropy); 'fusedAdam' = trainkit's fused ops
                       (fusedAdam, fusedSoftmaxCrossEntropy)
  --no-trainer         without the trainer's loop (apps/trainer, trainkit's fused ops)
  --overhead-pairs N   pairs of alternating trainer/bare-loop blocks per model for the
                       trainer's overhead (default 40; 0: none)
  --overhead-only      only the trainer's overhead (no PyTorch, no epoch or step rows; the
                       fused-ops bare loop and the trainer warmed up first)
  --dropout X          the CNN's dropout rate (default: the trainer's default)
  --no-torch           tfjs only (the PyTorch rows say why they are missing)
  --python PATH        the Python with PyTorch (default /usr/bin/python3)
  --out PATH           the JSON result (default bench/out/peers.json)
  --help`;

function parseArgs(argv) {
  const options = {
    quick: false,
    runs: 5,
    models: ['mlp', 'cnn'],
    threads: [1, 2],
    batches: [32, 128, 512],
    steps: null,
    scalingSteps: 100,
    torch: true,
    tfjsOptimizers: ['adam', 'fusedAdam'],
    trainer: true,
    overheadPairs: 40,
    overheadOnly: false,
    dropout: undefined,
    python: '/usr/bin/python3',
    out: join(here, 'out', 'peers.json'),
  };
  const list = (value, name) => {
    if (value === undefined) throw new Error(`peers: ${name} needs a value`);
    return value === '' ? [] : value.split(',');
  };
  const positive = (value, name) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) {
      throw new Error(`peers: ${name} must be a positive integer, got ${value}`);
    }
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--help') {
      console.log(HELP);
      process.exit(0);
    } else if (arg === '--quick') options.quick = true;
    else if (arg === '--runs') options.runs = positive(value(), '--runs');
    else if (arg === '--models') {
      options.models = list(value(), '--models');
      for (const m of options.models) {
        if (m !== 'mlp' && m !== 'cnn') throw new Error(`peers: unknown model ${m} (mlp, cnn)`);
      }
    } else if (arg === '--threads') {
      options.threads = list(value(), '--threads').map((t) => positive(t, '--threads'));
    } else if (arg === '--batches') {
      options.batches = list(value(), '--batches').map((b) => positive(b, '--batches'));
    } else if (arg === '--steps') options.steps = positive(value(), '--steps');
    else if (arg === '--scaling-steps') options.scalingSteps = positive(value(), '--scaling-steps');
    else if (arg === '--no-torch') options.torch = false;
    else if (arg === '--no-trainer') options.trainer = false;
    else if (arg === '--overhead-only') options.overheadOnly = true;
    else if (arg === '--overhead-pairs') {
      options.overheadPairs = Number(value());
      if (!Number.isInteger(options.overheadPairs) || options.overheadPairs < 0) {
        throw new Error(`peers: --overhead-pairs must be an integer >= 0, got ${argv[i]}`);
      }
    } else if (arg === '--optimizers') {
      options.tfjsOptimizers = list(value(), '--optimizers');
      for (const o of options.tfjsOptimizers) {
        if (o !== 'adam' && o !== 'fusedAdam') {
          throw new Error(`peers: unknown optimizer ${o} (adam, fusedAdam)`);
        }
      }
    } else if (arg === '--dropout') {
      options.dropout = Number(value());
      if (!(options.dropout >= 0 && options.dropout < 1)) {
        throw new Error(`peers: --dropout must be in [0, 1), got ${argv[i]}`);
      }
    } else if (arg === '--python') options.python = value();
    else if (arg === '--out') options.out = value();
    else throw new Error(`peers: unknown option ${arg} (see --help)`);
  }
  if (options.overheadOnly) {
    if (!options.trainer || options.overheadPairs === 0) {
      throw new Error('peers: --overhead-only needs the trainer and --overhead-pairs >= 1');
    }
    options.torch = false;
    options.tfjsOptimizers = ['fusedAdam'];
    options.batches = [];
  }
  if (options.quick) {
    options.runs = 1;
    options.steps = options.steps ?? 10;
    options.overheadPairs = Math.min(options.overheadPairs, 2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const BATCH = 128;
const LR = 1e-3;
const TEST_LIMIT = options.quick ? 1000 : null;
/** A full garbage collection (V8's gc(), exposed at run time for this process). */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

/** Pause before every measurement (see the run loop). */
const SETTLE_MS = 300;
const SCALING = options.quick
  ? { warmup: 2, steps: 3 }
  : { warmup: 10, steps: options.scalingSteps };

// ---------------------------------------------------------------- helpers

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function writeAtomic(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

function cpuFlags() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    const flags = new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
    return ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512vl', 'avx512_bf16'].filter((f) =>
      flags.has(f),
    );
  } catch {
    return [];
  }
}

/** What Debian's BLAS and LAPACK alternatives point to (the system default; the peer forces OpenBLAS). */
function blasAlternative() {
  const resolve = (path) => {
    try {
      return realpathSync(path);
    } catch {
      return null;
    }
  };
  return {
    libblas: resolve('/etc/alternatives/libblas.so.3-x86_64-linux-gnu'),
    liblapack: resolve('/etc/alternatives/liblapack.so.3-x86_64-linux-gnu'),
  };
}

/** f32x4.relaxed_madd in a 44-byte module: does this engine run relaxed SIMD? */
const RELAXED_PROBE = 'AGFzbQEAAAABCAFgA3t7ewF7AwIBAAcFAQFmAAAKDQELACAAIAEgAv2FAgs=';

// ---------------------------------------------------------------- data and models

const [train, test] = await Promise.all([
  loadMnist({ split: 'train' }),
  loadMnist({ split: 'test', limit: TEST_LIMIT ?? undefined }),
]);
const dataFiles = {
  trainImages: writeCached('mnist-train-images.f32', train.images),
  trainLabels: writeCached('mnist-train-labels.i32', train.labels),
  testImages: writeCached(`mnist-test-images-${test.count}.f32`, test.images),
  testLabels: writeCached(`mnist-test-labels-${test.count}.i32`, test.labels),
};

function countParams(model) {
  return model.countParams();
}

// ---------------------------------------------------------------- PyTorch workers

class TorchWorker {
  constructor(python, threads) {
    this.threads = threads;
    const env = {
      ...process.env,
      // OpenBLAS (pthread build) for torch's BLAS calls, whatever the system alternative is.
      // biome-ignore lint/suspicious/noUndeclaredEnvVars: passed through to the peer unchanged
      LD_LIBRARY_PATH: ['/usr/lib/x86_64-linux-gnu/openblas-pthread', process.env.LD_LIBRARY_PATH]
        .filter(Boolean)
        .join(':'),
      OPENBLAS_NUM_THREADS: String(threads),
      OMP_NUM_THREADS: String(threads),
      OMP_WAIT_POLICY: 'PASSIVE',
      // glibc keeps the CNN's large activations in the heap instead of mmap/munmap per step.
      MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
      MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024),
    };
    this.child = spawn(python, [join(here, 'torch_peer.py')], {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
    this.child.on('error', (error) => {
      this.spawnError = error;
    });
  }

  async call(command) {
    if (this.spawnError) throw this.spawnError;
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const next = await Promise.race([
      this.lines.next(),
      this.exited.then((code) => ({ done: true, code })),
    ]);
    if (next.done) throw new Error(`torch worker (${this.threads} threads) exited (${next.code})`);
    const answer = JSON.parse(next.value);
    if (!answer.ok) throw new Error(`torch worker: ${answer.error}`);
    return answer.result;
  }

  async close() {
    try {
      await this.call({ cmd: 'exit' });
    } catch {
      this.child.kill('SIGTERM');
    }
  }
}

// ---------------------------------------------------------------- tfjs bare loop

/** The bare loops: the stock tfjs ops, or trainkit's fused optimizer and loss. */
const VARIANTS = {
  adam: {
    optimizer: (lr) => tf.train.adam(lr),
    loss: tf.losses.softmaxCrossEntropy,
    lossName: 'tf.losses.softmaxCrossEntropy',
  },
  fusedAdam: {
    optimizer: (lr) => fusedAdam(lr),
    loss: fusedSoftmaxCrossEntropy,
    lossName: 'fusedSoftmaxCrossEntropy',
  },
};

/** A fresh bare loop on the trainer's `kind` model (seeded) with the variant's optimizer and loss. */
function freshLoop(kind, optimizerName, batch, seed) {
  const variant = VARIANTS[optimizerName];
  return bareLoop(
    trainer.build(kind, seed, options.dropout),
    variant.optimizer(LR),
    variant.loss,
    batch,
  );
}

function tfjsEpoch(kind, optimizerName, order, seed, maxSteps) {
  const loop = freshLoop(kind, optimizerName, BATCH, seed);
  const total = Math.ceil(order.length / BATCH);
  const steps = maxSteps === null ? total : Math.min(total, maxSteps);
  const before = tf.memory().numTensors;
  let loss = Number.NaN;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let s = 0; s < steps; s++) {
    const rows = Math.min(BATCH, order.length - s * BATCH);
    loss = loop.train(train, order, s * BATCH, rows, seed * 1000 + s);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const leaked = tf.memory().numTensors - before;
  const testAccuracy = loop.accuracy(test);
  loop.dispose();
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    steps,
    samples: Math.min(order.length, steps * BATCH),
    lastLoss: loss,
    testAccuracy,
    leakedTensors: leaked,
  };
}

function tfjsSteps(kind, optimizerName, batch, seed) {
  const loop = freshLoop(kind, optimizerName, batch, seed);
  const order = permutation(train.count, seed);
  let start = 0;
  let cpuStart;
  const total = SCALING.warmup + SCALING.steps;
  for (let s = 0; s < total; s++) {
    if (s === SCALING.warmup) {
      start = performance.now();
      cpuStart = process.cpuUsage();
    }
    const at = (s * batch) % (train.count - batch);
    loop.train(train, order, at, batch, s);
  }
  const msPerStep = (performance.now() - start) / SCALING.steps;
  const cpu = process.cpuUsage(cpuStart);
  loop.dispose();
  return { msPerStep, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / SCALING.steps };
}

// ---------------------------------------------------------------- the trainer's loop

/**
 * The trainer's own loop (apps/trainer: setupRun + trainEpochs, with its data split, seeded
 * batches, schedule, accumulating optimizer at k = 1, loss read, history, TensorBoard
 * writers, profiler, progress checks) for one epoch of `kind` at `batch`: the whole epoch
 * (`scaling` null) or, for the step-time rows, an epoch of `scaling.warmup + scaling.steps`
 * steps timed after the warm-up. The trainer's own settings (Adam at 2e-3 with warm-up and
 * cosine decay, 90% of the images for training); no validation subsets (--validate-every 0)
 * and no test set: the steps only, from the first batch gather to the epoch's end (the
 * full validation, weight histograms and checkpoint are not timed, as the bare loop's test
 * evaluation is not).
 */
async function trainerRun(kind, seed, batch, scaling, maxSteps) {
  const logdir = mkdtempSync(join(os.tmpdir(), 'trainkit-bench-'));
  try {
    const steps = scaling === null ? maxSteps : scaling.warmup + scaling.steps;
    const limit =
      steps === null
        ? undefined
        : Math.ceil((steps * batch) / (1 - trainerOptions.validationFraction)) + batch;
    const first = scaling === null ? 0 : scaling.warmup;
    const result = await trainerLoop.trainEpoch(
      {
        ...trainerOptions,
        model: kind,
        epochs: 1,
        batchSize: batch,
        seed,
        dropout: options.dropout,
        validateEvery: 0,
        test: false,
        progress: false,
        logdir,
        name: 'run',
        ...(limit === undefined ? {} : { limit }),
      },
      { cpuSteps: [first] },
    );
    try {
      const timed = result.stepsTime(first);
      const measured = {
        seconds: timed.ms / 1000,
        cpuSeconds: timed.cpuMs / 1000,
        steps: timed.steps,
        msPerStep: timed.ms / timed.steps,
        cpuMsPerStep: timed.cpuMs / timed.steps,
      };
      if (scaling !== null) return measured;
      const shape = result.model.inputs[0].shape.slice(1);
      return {
        ...measured,
        samples: result.trainSize,
        testAccuracy: evaluateAccuracy(result.model, shape, test),
      };
    } finally {
      await result.dispose();
    }
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- run

const startedAt = new Date().toISOString();
const selection = await selectBackend({ backend: 'wasm' });
const relaxedSimd = WebAssembly.validate(Buffer.from(RELAXED_PROBE, 'base64'));
const trainer = await loadTrainerModels();
options.dropout ??= trainer.defaultDropout;
// The trainer's loop counts its optimizer's updates through tf.serialization (as `train` does).
registerAccumulatingOptimizer();
const trainerLoop = options.trainer ? await loadTrainerLoop() : null;
const trainerOptions = trainerLoop?.defaultTrainOptions;
const specs = {};
const params = {};
for (const kind of options.models) {
  const { model } = trainer.build(kind, 1, options.dropout);
  specs[kind] = layerSpec(model);
  params[kind] = countParams(model);
  model.dispose();
}

const workers = new Map();
let torchInfo = null;
let torchUnavailable = null;
if (options.torch) {
  try {
    for (const threads of options.threads) {
      const worker = new TorchWorker(options.python, threads);
      workers.set(threads, worker);
      const info = await worker.call({ cmd: 'init', data: dataFiles, threads });
      torchInfo ??= { ...info, perThreads: {} };
      torchInfo.perThreads[threads] = {
        torchThreads: info.torchThreads,
        env: info.env,
        loadedLibraries: info.loadedLibraries,
      };
    }
  } catch (error) {
    torchUnavailable = `${options.python}: ${error.message}`;
    for (const worker of workers.values()) worker.child.kill('SIGTERM');
    workers.clear();
  }
} else {
  torchUnavailable = '--no-torch';
}
console.log(formatBackendSelection(selection));
console.log(
  `relaxed SIMD in this engine: ${relaxedSimd ? 'yes' : 'no'}; PyTorch: ${torchInfo ? `${torchInfo.torch} (${torchInfo.loadedLibraries.filter((l) => /blas/.test(l)).join(', ')})` : `unavailable (${torchUnavailable})`}`,
);

// Warm-up: one-time costs (JIT, lazy initialization) out of the first measured run.
for (const kind of options.models) {
  for (const name of options.tfjsOptimizers) {
    tfjsEpoch(kind, name, permutation(train.count, 7).subarray(0, 3 * BATCH), 7, 3);
  }
  if (trainerLoop) await trainerRun(kind, 7, BATCH, null, 3);
  for (const worker of workers.values()) {
    const perm = writeCached('perm-warmup.i32', permutation(train.count, 7).subarray(0, 3 * BATCH));
    await worker.call({
      cmd: 'epoch',
      layers: specs[kind],
      batch: BATCH,
      lr: LR,
      seed: 7,
      permutation: perm,
      steps: 3,
      testLimit: 1000,
    });
  }
}

/** The compared frameworks: PyTorch per thread count, tfjs per optimizer. */
function entries() {
  return [
    ...[...workers.keys()].map((threads) => ({ framework: 'pytorch', threads, optimizer: 'Adam' })),
    ...options.tfjsOptimizers.map((optimizer) => ({
      framework: 'tfjs',
      threads: 1,
      optimizer,
      loss: VARIANTS[optimizer].lossName,
    })),
    ...(trainerLoop
      ? [
          {
            framework: 'trainer',
            threads: 1,
            optimizer: 'fusedAdam',
            loss: 'fusedSoftmaxCrossEntropy',
          },
        ]
      : []),
  ];
}

const sameEntry = (m, entry) =>
  m.framework === entry.framework && m.threads === entry.threads && m.optimizer === entry.optimizer;

/** Every measured configuration of one run, in a fixed order (rotated per run). */
function configurations() {
  const list = [];
  for (const kind of options.models) {
    for (const entry of entries()) list.push({ row: 'epoch', kind, ...entry });
  }
  if (options.models.includes('mlp')) {
    for (const batch of options.batches) {
      for (const entry of entries()) list.push({ row: 'step', kind: 'mlp', batch, ...entry });
    }
  }
  return list;
}

const measurements = [];
const loads = [];
// --overhead-only: no epoch or step rows (the warm-up above still ran).
if (options.overheadOnly) options.runs = 0;
for (let run = 0; run < options.runs; run++) {
  const seed = 1000 + run;
  const order = permutation(train.count, seed);
  const permPath = writeCached(`perm-${seed}.i32`, order);
  const list = configurations();
  const rotated = list.map((_, i) => list[(i + run) % list.length]);
  for (const config of rotated) {
    // Idle threads of the previous configuration (OpenBLAS' pthreads spin for about 0.1 s
    // after a call, whatever OMP_WAIT_POLICY says) go to sleep before the next one starts.
    await new Promise((resolve) => setTimeout(resolve, options.quick ? 0 : SETTLE_MS));
    const load = os.loadavg()[0];
    loads.push(load);
    let result;
    if (config.row === 'epoch') {
      if (config.framework === 'trainer') {
        result = await trainerRun(config.kind, seed, BATCH, null, options.steps);
      } else if (config.framework === 'tfjs') {
        result = tfjsEpoch(config.kind, config.optimizer, order, seed, options.steps);
      } else {
        result = await workers.get(config.threads).call({
          cmd: 'epoch',
          layers: specs[config.kind],
          batch: BATCH,
          lr: LR,
          seed,
          permutation: permPath,
          steps: options.steps,
          testLimit: TEST_LIMIT,
        });
      }
      result.samplesPerSecond = result.samples / result.seconds;
      result.msPerStep = (result.seconds * 1000) / result.steps;
      result.cpuMsPerStep = (result.cpuSeconds * 1000) / result.steps;
    } else if (config.framework === 'trainer') {
      result = await trainerRun(config.kind, seed, config.batch, SCALING, null);
    } else if (config.framework === 'tfjs') {
      result = tfjsSteps(config.kind, config.optimizer, config.batch, seed);
    } else {
      result = await workers.get(config.threads).call({
        cmd: 'steps',
        layers: specs[config.kind],
        batch: config.batch,
        warmup: SCALING.warmup,
        steps: SCALING.steps,
        seed,
      });
    }
    measurements.push({ ...config, run, loadAverage1m: load, ...result });
    const label = `${config.row} ${config.kind}${config.batch ? ` b${config.batch}` : ''} ${config.framework === 'pytorch' ? `pytorch ${config.threads}t` : `${config.framework} ${config.optimizer}`}`;
    process.stdout.write(
      `run ${run + 1}/${options.runs} ${label.padEnd(30)} ${result.msPerStep.toFixed(2).padStart(8)} ms/step${result.testAccuracy !== undefined ? `  acc ${(100 * result.testAccuracy).toFixed(2)}%` : ''}\n`,
    );
  }
}
for (const worker of workers.values()) await worker.close();

// ---------------------------------------------------------------- the trainer's overhead

/**
 * The trainer's step against the bare loop's (fused ops, same kernels, same model, batch
 * 128), in alternating short blocks: host-level noise on this shared machine moves step
 * times by up to 2x within minutes, so an epoch-level comparison cannot resolve a few
 * percent; blocks a second apart can (an A/A test of the bare loop against itself gives
 * a median within 0.5% and quartiles within 3-4% over 40 pairs). Each block is a fresh run
 * (trainer: its setupRun + trainEpochs over a small --limit; bare: a fresh model) whose
 * first steps are not timed (first-step allocations); the trainer's last step is not
 * timed either (it ends at the epoch's end), so every timed step runs from one batch
 * gather to the next: data gather, schedule, gradient, accumulation at k = 1, loss read,
 * history, TensorBoard scalars, profiler, progress and stop checks.
 */
async function trainerOverhead(kind) {
  // The untimed warm-up covers the first steps' allocations and the kernels' first calls
  // (a block timed from step 3 still paid some of them, more in the trainer's run, whose
  // setup had just loaded data); blocks of ~0.7 s keep a pair within seconds.
  const block = kind === 'mlp' ? 100 : 24;
  const warmup = kind === 'mlp' ? 20 : 6;
  const pairs = [];
  for (let pair = 0; pair < options.overheadPairs; pair++) {
    const seed = 2000 + pair;
    const measured = {};
    const order = pair % 2 === 0 ? ['trainer', 'bare'] : ['bare', 'trainer'];
    for (const which of order) {
      if (which === 'trainer') {
        const logdir = mkdtempSync(join(os.tmpdir(), 'trainkit-bench-'));
        try {
          const limit = Math.ceil(
            ((warmup + block + 2) * BATCH) / (1 - trainerOptions.validationFraction),
          );
          const result = await trainerLoop.trainEpoch(
            {
              ...trainerOptions,
              model: kind,
              epochs: 1,
              seed,
              dropout: options.dropout,
              validateEvery: 0,
              test: false,
              progress: false,
              logdir,
              name: 'run',
              limit,
            },
            // The run's setup garbage (data loading) is collected before its steps, as
            // before the bare block's.
            { cpuSteps: [warmup, warmup + block], beforeSteps: collectGarbage },
          );
          const timed = result.stepsBetween(warmup, warmup + block);
          await result.dispose();
          measured.trainer = timed;
        } finally {
          rmSync(logdir, { recursive: true, force: true });
        }
      } else {
        measured.bare = bareBlock(kind, seed, warmup, block);
      }
    }
    const load = os.loadavg()[0];
    loads.push(load);
    pairs.push({
      pair,
      loadAverage1m: load,
      trainerMsPerStep: measured.trainer.ms / block,
      bareMsPerStep: measured.bare.ms / block,
      trainerCpuMsPerStep: measured.trainer.cpuMs / block,
      bareCpuMsPerStep: measured.bare.cpuMs / block,
    });
  }
  const quantile = (values, q) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.round(q * (sorted.length - 1))];
  };
  const ratios = pairs.map((p) => p.trainerMsPerStep / p.bareMsPerStep);
  const cpuRatios = pairs.map((p) => p.trainerCpuMsPerStep / p.bareCpuMsPerStep);
  return {
    kind,
    batch: BATCH,
    pairs: pairs.length,
    blockSteps: block,
    warmupSteps: warmup,
    trainerMsPerStep: median(pairs.map((p) => p.trainerMsPerStep)),
    bareMsPerStep: median(pairs.map((p) => p.bareMsPerStep)),
    pairedRatio: median(ratios),
    pairedRatioQuartiles: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
    cpuPairedRatio: median(cpuRatios),
    loadAverage1m: median(pairs.map((p) => p.loadAverage1m)),
    measurements: pairs,
  };
}

/** `block` steps of the fused-ops bare loop on a fresh model after `warmup` untimed ones. */
function bareBlock(kind, seed, warmup, block) {
  const { model, dropoutLayers } = trainer.build(kind, seed, options.dropout);
  const shape = model.inputs[0].shape.slice(1);
  const variant = VARIANTS.fusedAdam;
  const optimizer = variant.optimizer(LR);
  const variables = model.trainableWeights.map((w) => w.read());
  const xBuf = new Float32Array(BATCH * 784);
  const yBuf = new Int32Array(BATCH);
  const order = permutation(train.count, seed);
  let start = 0;
  let cpuStart;
  collectGarbage();
  for (let s = 0; s < warmup + block; s++) {
    if (s === warmup) {
      start = performance.now();
      cpuStart = process.cpuUsage();
    }
    gather(train.images, train.labels, order, s * BATCH, BATCH, xBuf, yBuf);
    step(model, optimizer, variant.loss, variables, shape, xBuf, yBuf, BATCH, dropoutLayers, s);
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  optimizer.dispose();
  model.dispose();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const overhead = [];
if (trainerLoop && options.overheadPairs > 0) {
  for (const kind of options.models) {
    const o = await trainerOverhead(kind);
    overhead.push(o);
    process.stdout.write(
      `overhead ${kind}: ${o.pairs} pairs of ${o.blockSteps}-step blocks, trainer ${o.trainerMsPerStep.toFixed(2)} vs bare ${o.bareMsPerStep.toFixed(2)} ms/step, paired ratio ${o.pairedRatio.toFixed(3)} (quartiles ${o.pairedRatioQuartiles.map((v) => v.toFixed(3)).join('-')}), cpu ${o.cpuPairedRatio.toFixed(3)}, load average ${o.loadAverage1m.toFixed(2)}\n`,
    );
  }
}

// ---------------------------------------------------------------- summary

function summarize(filter) {
  const rows = measurements.filter(filter);
  if (rows.length === 0) return null;
  const pick = (key) => rows.map((r) => r[key]).filter((v) => v !== undefined);
  const ms = pick('msPerStep');
  const summary = {
    runs: rows.length,
    msPerStep: median(ms),
    msPerStepRange: [Math.min(...ms), Math.max(...ms)],
    cpuMsPerStep: median(pick('cpuMsPerStep')),
  };
  if (rows[0].row === 'epoch') {
    summary.samplesPerSecond = median(pick('samplesPerSecond'));
    summary.seconds = median(pick('seconds'));
    summary.testAccuracy = median(pick('testAccuracy'));
    summary.testAccuracyRange = [
      Math.min(...pick('testAccuracy')),
      Math.max(...pick('testAccuracy')),
    ];
  } else {
    summary.samplesPerSecond = (1000 * rows[0].batch) / summary.msPerStep;
  }
  return summary;
}

const baseThreads = [...workers.keys()][0];
const baseEntry = { framework: 'pytorch', threads: baseThreads, optimizer: 'Adam' };
/** The bare loop the trainer is compared with: the same (fused) ops and kernels. */
const bareEntry = { framework: 'tfjs', threads: 1, optimizer: 'fusedAdam' };
const table = [];
const groups = [
  ...options.models.map((kind) => ({ row: 'epoch', kind })),
  ...(options.models.includes('mlp') ? options.batches : []).map((batch) => ({
    row: 'step',
    kind: 'mlp',
    batch,
  })),
];
for (const group of groups) {
  const inGroup = (m) =>
    m.row === group.row &&
    m.kind === group.kind &&
    (group.batch === undefined || m.batch === group.batch);
  const base = summarize((m) => inGroup(m) && sameEntry(m, baseEntry));
  const bare = summarize((m) => inGroup(m) && sameEntry(m, bareEntry));
  for (const entry of entries()) {
    const s = summarize((m) => inGroup(m) && sameEntry(m, entry));
    if (s) {
      // Ratios to PyTorch's first thread count: of the medians (wall time), the median of
      // the per-run ratios (each run's configurations ran back to back), and of the median
      // CPU times (less sensitive to other processes; single-threaded configurations only).
      const paired = [];
      for (let run = 0; run < options.runs; run++) {
        const mine = measurements.find((m) => inGroup(m) && sameEntry(m, entry) && m.run === run);
        const theirs = measurements.find(
          (m) => inGroup(m) && sameEntry(m, baseEntry) && m.run === run,
        );
        if (mine && theirs) paired.push(mine.msPerStep / theirs.msPerStep);
      }
      table.push({
        ...group,
        ...entry,
        ...s,
        ratioToPytorch1: base ? s.msPerStep / base.msPerStep : null,
        pairedRatioToPytorch1: paired.length > 0 ? median(paired) : null,
        pairedRatioRange: paired.length > 0 ? [Math.min(...paired), Math.max(...paired)] : null,
        cpuRatioToPytorch1: base && entry.threads === 1 ? s.cpuMsPerStep / base.cpuMsPerStep : null,
      });
      if (entry.framework === 'trainer') {
        // The trainer's overhead: its step over the bare loop's with the same ops and kernels.
        const pairedBare = [];
        for (let run = 0; run < options.runs; run++) {
          const mine = measurements.find((m) => inGroup(m) && sameEntry(m, entry) && m.run === run);
          const theirs = measurements.find(
            (m) => inGroup(m) && sameEntry(m, bareEntry) && m.run === run,
          );
          if (mine && theirs) pairedBare.push(mine.msPerStep / theirs.msPerStep);
        }
        Object.assign(table.at(-1), {
          ratioToBareLoop: bare ? s.msPerStep / bare.msPerStep : null,
          pairedRatioToBareLoop: pairedBare.length > 0 ? median(pairedBare) : null,
          pairedRatioToBareLoopRange:
            pairedBare.length > 0 ? [Math.min(...pairedBare), Math.max(...pairedBare)] : null,
          cpuRatioToBareLoop: bare ? s.cpuMsPerStep / bare.cpuMsPerStep : null,
        });
      }
    }
  }
}

const name = (r) =>
  r.framework === 'pytorch'
    ? `PyTorch ${r.threads} thread${r.threads > 1 ? 's' : ''}`
    : r.framework === 'trainer'
      ? 'trainer (apps/trainer loop), fused ops'
      : `bare tfjs loop, ${r.optimizer === 'adam' ? 'stock ops (tf.train.adam)' : 'fused ops (fusedAdam)'}`;
if (options.overheadOnly) console.log('\n--overhead-only: no epoch or step rows');
else
  console.log(
    `\n${options.runs} interleaved run${options.runs > 1 ? 's' : ''}, medians; batch ${BATCH} unless noted; ratio = ms per step / PyTorch ${baseThreads} thread's (lower is better)${options.quick ? '; --quick: not a measurement' : ''}`,
  );
console.log(
  `${'workload'.padEnd(18)} ${'framework'.padEnd(46)} ${'samples/s'.padStart(10)} ${'ms/step'.padStart(8)} ${'ratio'.padStart(6)} ${'paired'.padStart(13)} ${'cpu ratio'.padStart(9)} ${'test acc'.padStart(9)}`,
);
const times = (v) => (v === null || v === undefined ? '-' : `${v.toFixed(2)}x`);
for (const r of table) {
  const workload = r.row === 'epoch' ? `${r.kind.toUpperCase()} epoch` : `MLP step b${r.batch}`;
  const paired =
    r.pairedRatioRange === null
      ? '-'
      : `${times(r.pairedRatioToPytorch1)} (${r.pairedRatioRange.map((v) => v.toFixed(1)).join('-')})`;
  console.log(
    `${workload.padEnd(18)} ${name(r).padEnd(46)} ${Math.round(r.samplesPerSecond).toLocaleString('en-US').padStart(10)} ${r.msPerStep.toFixed(2).padStart(8)} ${times(r.ratioToPytorch1).padStart(6)} ${paired.padStart(13)} ${times(r.cpuRatioToPytorch1).padStart(9)} ${r.testAccuracy === undefined ? '' : `${(100 * r.testAccuracy).toFixed(2)}%`.padStart(9)}`,
  );
}
console.log(
  'ratio: of the median wall times; paired: median (range) of the per-run ratios; cpu ratio: of the median CPU times (1-thread configurations).',
);
for (const r of table.filter((t) => t.framework === 'trainer')) {
  const workload = r.row === 'epoch' ? `${r.kind.toUpperCase()} epoch` : `MLP step b${r.batch}`;
  const range = r.pairedRatioToBareLoopRange;
  console.log(
    `trainer / bare loop (fused ops), ${workload}: ${times(r.ratioToBareLoop)} of the medians, paired ${times(r.pairedRatioToBareLoop)}${range ? ` (${range.map((v) => v.toFixed(3)).join('-')})` : ''}, cpu ${times(r.cpuRatioToBareLoop)}`,
  );
}
const loadSummary = { median: median(loads), max: Math.max(...loads), min: Math.min(...loads) };
console.log(
  `load average (1 min) during the run: median ${loadSummary.median.toFixed(2)}, max ${loadSummary.max.toFixed(2)} on ${os.cpus().length} cores`,
);

const result = {
  format: 'trainkit.bench.peers',
  version: 1,
  startedAt,
  finishedAt: new Date().toISOString(),
  quick: options.quick,
  options: { ...options, out: undefined },
  protocol: {
    batch: BATCH,
    optimizer: `Adam(lr ${LR}, beta1 0.9, beta2 0.999, epsilon 1e-7)`,
    loss: "softmax cross-entropy from logits, mean over the batch (tfjs: tf.losses.softmaxCrossEntropy in the stock-ops loop, trainkit's fusedSoftmaxCrossEntropy, the same kernels in one dispatch, in the fused-ops loop and the trainer)",
    variants:
      "tfjs rows: optimizer 'adam' = the bare loop with stock ops (tf.train.adam, tf.losses.softmaxCrossEntropy); optimizer 'fusedAdam' = the bare loop with trainkit's fused ops (fusedAdam, fusedSoftmaxCrossEntropy; the same arithmetic bit for bit); framework 'trainer' = the trainer's own loop (apps/trainer setupRun + trainEpochs) with the fused ops",
    trainer:
      "the trainer's loop with its own settings (Adam 2e-3, 100 warm-up updates then cosine decay; 90% of the images train, batches from its seeded splitter; accumulating optimizer at k = 1; loss read, history, TensorBoard scalars, profiler phases every step), --validate-every 0, no test set; timed from the first batch gather to the start of the epoch's end (the full validation, histograms and checkpoint are not timed); step rows: an epoch of warm-up + timed steps, timed after the warm-up",
    dropout: `the CNN's dropout layer at rate ${options.dropout} (the trainer's seeded dropout in tfjs, a new mask per step; nn.Dropout in PyTorch)`,
    epoch:
      'one pass over the 60,000 MNIST training images in a seeded permutation shared by both frameworks; the last batch has 96 rows; the loss is read after every step',
    timed:
      'the training loop only (batch gather, forward, backward, update, loss read); test accuracy on the 10,000 test images afterwards, untimed',
    scaling: `MLP step time: ${SCALING.warmup} warm-up steps, then the mean of ${SCALING.steps} steps on random batches`,
    overhead:
      "trainerOverhead: the trainer's loop against the fused-ops bare loop in alternating short blocks (each a fresh run / fresh model; the first steps untimed), MNIST batch 128; the paired ratio is the median over pairs of trainer ms per step / bare ms per step",
    settle: `a ${SETTLE_MS} ms pause before every measurement (idle threads of the previous configuration go to sleep)`,
    order:
      'configurations interleaved within each run, the order rotated by one per run; medians over runs',
    warmup: 'one 3-step epoch per framework and model before the first run',
  },
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    cpuFlags: cpuFlags(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage1m: loadSummary,
  },
  versions: {
    node: process.versions.node,
    v8: process.versions.v8,
    tfjs: tf.version_core,
    trainkitBackend: JSON.parse(
      readFileSync(join(root, 'packages', 'backend', 'package.json'), 'utf8'),
    ).version,
    python: torchInfo?.python ?? null,
    torch: torchInfo?.torch ?? null,
    numpy: torchInfo?.numpy ?? null,
  },
  tfjs: {
    backend: selection.backend,
    simd: selection.simd,
    threads: selection.threads,
    trainingKernels: selection.trainingKernels,
    relaxedSimdInEngine: relaxedSimd,
  },
  pytorch: torchInfo
    ? {
        executable: torchInfo.executable,
        mkldnn: torchInfo.mkldnn,
        cpuCapability: torchInfo.cpuCapability,
        blasAlternative: blasAlternative(),
        perThreads: torchInfo.perThreads,
      }
    : { unavailable: torchUnavailable },
  models: Object.fromEntries(
    options.models.map((kind) => [
      kind,
      {
        source: 'apps/trainer/src/model.ts buildModel',
        sourceSha256: trainer.sha256,
        parameters: params[kind],
        layers: specs[kind],
      },
    ]),
  ),
  summary: table,
  trainerOverhead: overhead,
  measurements,
};
writeAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${relative(process.cwd(), options.out) || options.out}`);
