import { checkArguments } from '@trainkit/core';

/**
 * What a phase does, recognized from its name (or declared by the caller).
 * `step` is a whole forward + backward + update (as inside tfjs-layers
 * `model.fit`); `checkpoint` is saving the training state; `overhead` is
 * time between batches; `unattributed` is time inside an iteration but
 * outside every phase.
 */
export type PhaseCategory =
  | 'data'
  | 'forward'
  | 'backward'
  | 'optimizer'
  | 'step'
  | 'evaluation'
  | 'logging'
  | 'checkpoint'
  | 'overhead'
  | 'unattributed'
  | 'custom';

const categories: readonly PhaseCategory[] = [
  'data',
  'forward',
  'backward',
  'optimizer',
  'step',
  'evaluation',
  'logging',
  'checkpoint',
  'overhead',
  'unattributed',
  'custom',
];

/** One row of the advice table. */
export interface PhaseAdvice {
  readonly category: PhaseCategory;
  /** Phase names (case, spaces, `-` and `_` ignored) that belong to this category. */
  readonly names: readonly string[];
  /**
   * A report warns about this phase when its share of the iteration reaches
   * this fraction even if it is not the bottleneck; `1` never warns.
   */
  readonly warnShare: number;
  /** What to do when this phase dominates. */
  readonly advice: readonly string[];
}

/**
 * The TensorFlow.js backend a run uses, so that the advice never recommends
 * it (the fields of `@trainkit/backend`'s `BackendSelection` fit: pass the
 * result of `selectBackend()`).
 */
export interface BackendInUse {
  /** `tf.getBackend()`: `cpu`, `wasm`, `webgl`, `webgpu`, `tensorflow` (tfjs-node), ... */
  readonly backend: string;
  /** wasm: whether the SIMD binary runs (`null` or omitted: unknown). */
  readonly simd?: boolean | null;
  /** wasm: the threads it computes with (`null` or omitted: unknown). */
  readonly threads?: number | null;
  /** Where the run executes. Default: where the advice is computed. */
  readonly environment?: 'node' | 'browser';
}

/** What the caller knows about the run, so that the advice fits it. */
export interface AdviceContext {
  /** The backend in use; the advice then never recommends it. */
  readonly backend?: BackendInUse;
  /**
   * What phases do, by exact phase name, when their names do not say it
   * (e.g. `{ ckpt: 'checkpoint', 'write weights': 'checkpoint' }`).
   */
  readonly phaseCategories?: Readonly<Record<string, PhaseCategory>>;
  /** Micro-batches per optimizer update (`1` without gradient accumulation). */
  readonly accumulationSteps?: number;
}

/** The faster-backend line of the table, for any run (see {@link backendAdvice} for a known one). */
const faster =
  'Use a faster backend: in Node, tfjs-node (native TensorFlow) or else WebAssembly with SIMD; in the browser, WebGPU or WebGL, or WebAssembly with SIMD and threads.';

const accumulate =
  'Accumulate gradients over several micro-batches so the update runs less often (@trainkit/accumulate).';

/**
 * The advice table: for each phase category, the names that select it, the
 * share at which it is worth a warning, and what to do when nothing is known
 * about the run (see {@link phaseAdvice} with an {@link AdviceContext}).
 *
 * The data-loading advice follows the usual checklist (lower resolution,
 * compression, faster storage, prefetch); TensorFlow's input-pipeline analysis
 * treats input as the bottleneck when waiting for the next batch is a visible
 * part of the step.
 *
 * @example
 * ```ts
 * for (const row of phaseAdviceTable) console.log(row.category, row.names.join(', '));
 * ```
 */
export const phaseAdviceTable: readonly PhaseAdvice[] = [
  {
    category: 'data',
    names: [
      'data',
      'dataloading',
      'loading',
      'load',
      'input',
      'inputpipeline',
      'nextbatch',
      'batch',
      'fetch',
    ],
    warnShare: 0.2,
    advice: [
      'Lower the input resolution: smaller images read, decode and transfer faster.',
      'Store the data compressed to cut I/O, or cache it decoded in memory if decoding dominates.',
      'Move the data to faster storage: local SSD or memory instead of a network disk.',
      'Prefetch: prepare the next batches while the current one trains (dataset.prefetch(n), a worker).',
    ],
  },
  {
    category: 'forward',
    names: ['forward', 'fwd', 'forwardpass', 'predict', 'inference', 'loss'],
    warnShare: 1,
    advice: [
      'Use a smaller network: fewer layers, fewer units or channels.',
      'Lower the input resolution; every layer gets cheaper.',
      faster,
    ],
  },
  {
    category: 'backward',
    names: [
      'backward',
      'backprop',
      'backpropagation',
      'bwd',
      'gradients',
      'gradient',
      'grad',
      'grads',
    ],
    warnShare: 1,
    advice: [
      'Backpropagation costs about twice the forward pass: a smaller network (fewer layers, fewer units) shrinks both.',
      'Freeze layers that need no training (trainable = false): their weight gradients are skipped.',
      faster,
    ],
  },
  {
    category: 'optimizer',
    names: ['optimizer', 'optimizerstep', 'update', 'apply', 'applygradients', 'opt'],
    warnShare: 0.3,
    advice: [
      'The update dominates: many parameters with a stateful optimizer (Adam keeps two moments per weight). Use fewer parameters or SGD with momentum.',
      accumulate,
    ],
  },
  {
    category: 'step',
    names: ['step', 'trainstep', 'train', 'trainbatch', 'compute', 'minimize'],
    warnShare: 1,
    advice: [
      'The forward and backward passes dominate: use a smaller network (fewer layers, fewer units or channels).',
      'Lower the input resolution.',
      faster,
    ],
  },
  {
    category: 'evaluation',
    names: ['evaluation', 'eval', 'evaluate', 'validation', 'validate', 'val', 'test'],
    warnShare: 0.2,
    advice: [
      'Evaluation is too frequent: evaluate every n iterations or once per epoch.',
      'Evaluate on a fixed random subset of the validation set during training; use the full set at the end.',
    ],
  },
  {
    category: 'logging',
    names: ['logging', 'log', 'logs', 'summary', 'summaries', 'tensorboard'],
    warnShare: 0.05,
    advice: [
      'Logging is too frequent: log every n iterations; buffer values and write once per epoch.',
      'Avoid reading tensors back (data(), dataSync()) only to log them: each readback waits for the backend.',
    ],
  },
  {
    category: 'checkpoint',
    names: [
      'checkpoint',
      'checkpoints',
      'checkpointing',
      'ckpt',
      'save',
      'saving',
      'savecheckpoint',
      'snapshot',
    ],
    warnShare: 0.1,
    advice: [
      'Checkpoints are too frequent: save by wall-clock time (every few minutes) or every n updates, so saving stays a small share of training; a crash then loses at most one interval.',
      'Save to a local disk rather than a network file system, and keep only the last few checkpoints.',
    ],
  },
  {
    category: 'overhead',
    names: ['overhead', 'callbacks', 'between', 'betweenbatches', 'idle', 'wait'],
    warnShare: 0.2,
    advice: [
      "Time between batches goes to callbacks and yielding: in Node pass yieldEvery: 'never' to model.fit.",
      'Make slow callbacks buffer on batch end and do their work on epoch end.',
    ],
  },
  {
    category: 'unattributed',
    names: ['unattributed'],
    warnShare: 0.2,
    advice: [
      'Much of the iteration is outside every phase: add phase marks around the remaining work to find it.',
    ],
  },
  {
    category: 'custom',
    names: [],
    warnShare: 1,
    advice: ['This phase takes the largest share of the iteration: look at what it does first.'],
  },
];

const byName = new Map<string, PhaseAdvice>();
for (const row of phaseAdviceTable) for (const name of row.names) byName.set(name, row);
const byCategory = new Map(phaseAdviceTable.map((row) => [row.category, row]));
const custom = byCategory.get('custom')!;

/** Where this code runs: Node when `process.versions.node` exists. */
function currentEnvironment(): 'node' | 'browser' {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string' ? 'node' : 'browser';
}

/**
 * What to do about slow kernels, given the backend in use: never the backend
 * already in use, never WebAssembly threads in Node (TensorFlow.js disables
 * them there).
 *
 * @param backend - The backend in use; omitted: unknown.
 * @returns Zero or more sentences (none when the run already uses the fastest backend of its environment).
 * @example
 * ```ts
 * backendAdvice({ backend: 'wasm', simd: true, threads: 1, environment: 'node' });
 * // ['The WebAssembly backend already runs with SIMD; WebAssembly threads do not work in Node: tfjs-node (native TensorFlow, multi-threaded) is faster where it installs.']
 * ```
 */
export function backendAdvice(backend?: BackendInUse): string[] {
  if (backend !== undefined) checkAdviceContext('backendAdvice', { backend });
  const environment = backend?.environment ?? currentEnvironment();
  const name = backend?.backend.toLowerCase();
  if (environment === 'node') {
    switch (name) {
      case undefined:
        return [
          'Use a faster backend: tfjs-node (native TensorFlow) where it installs, else WebAssembly with SIMD (@tensorflow/tfjs-backend-wasm) rather than the plain-JavaScript cpu backend.',
        ];
      case 'tensorflow':
        return [
          'The native TensorFlow backend is the fastest on the CPU; with an NVIDIA GPU, use @tensorflow/tfjs-node-gpu.',
        ];
      case 'wasm':
        return backend?.simd === false
          ? [
              'The WebAssembly backend runs without SIMD: load its SIMD binary (Node 16.4 and later run it), or use tfjs-node (native TensorFlow).',
            ]
          : [
              `The WebAssembly backend ${backend?.simd === true ? 'already runs with SIMD' : 'is in use'}; WebAssembly threads do not work in Node: tfjs-node (native TensorFlow, multi-threaded) is faster where it installs.`,
            ];
      case 'cpu':
        return [
          "The cpu backend is plain JavaScript: use WebAssembly with SIMD (@tensorflow/tfjs-backend-wasm, or @trainkit/backend's selectBackend) or tfjs-node (native TensorFlow).",
        ];
      default:
        return [
          `Compare with tfjs-node (native TensorFlow) or WebAssembly with SIMD; the run uses the ${backend!.backend} backend.`,
        ];
    }
  }
  switch (name) {
    case undefined:
      return [
        'Use a faster backend: WebGPU or WebGL, or WebAssembly with SIMD and threads (threads need a cross-origin-isolated page).',
      ];
    case 'webgpu':
      return [];
    case 'webgl':
      return ['Try the WebGPU backend where the browser supports it.'];
    case 'wasm': {
      const advice: string[] = [];
      if (backend?.simd === false) {
        advice.push(
          'The WebAssembly backend runs without SIMD: use a browser with WebAssembly SIMD and load the SIMD binary.',
        );
      }
      if (backend?.threads === undefined || backend.threads === null || backend.threads <= 1) {
        advice.push(
          'Serve the page cross-origin isolated (COOP and COEP headers) so that the WebAssembly backend can use threads.',
        );
      }
      advice.push('Try WebGPU or WebGL: on a GPU they usually beat WebAssembly on large layers.');
      return advice;
    }
    case 'cpu':
      return [
        'The cpu backend is plain JavaScript: use WebGPU, WebGL, or WebAssembly with SIMD and threads.',
      ];
    default:
      return [
        `Compare with WebGPU, WebGL and WebAssembly; the run uses the ${backend!.backend} backend.`,
      ];
  }
}

/**
 * Checks an {@link AdviceContext} argument (as an option of `functionName`).
 *
 * @internal
 */
export function checkAdviceContext(functionName: string, context: AdviceContext): AdviceContext {
  const check = checkArguments(functionName);
  check.options('options', context);
  const { backend, phaseCategories, accumulationSteps } = context;
  if (backend !== undefined) {
    if (typeof backend !== 'object' || backend === null) {
      check.fail('backend', backend, "an object such as { backend: 'wasm', simd: true }");
    }
    if (typeof backend.backend !== 'string' || backend.backend.length === 0) {
      check.fail(
        'backend.backend',
        backend.backend,
        "a backend name such as 'wasm' (tf.getBackend())",
      );
    }
    if (backend.simd !== undefined && backend.simd !== null)
      check.boolean('backend.simd', backend.simd);
    if (backend.threads !== undefined && backend.threads !== null) {
      check.integer('backend.threads', backend.threads, { min: 1 });
    }
    if (backend.environment !== undefined) {
      check.oneOf('backend.environment', backend.environment, ['node', 'browser']);
    }
  }
  if (phaseCategories !== undefined) {
    if (typeof phaseCategories !== 'object' || phaseCategories === null) {
      check.fail('phaseCategories', phaseCategories, "an object such as { ckpt: 'checkpoint' }");
    }
    for (const [name, category] of Object.entries(phaseCategories)) {
      check.oneOf(`phaseCategories['${name}']`, category, categories);
    }
  }
  if (accumulationSteps !== undefined) {
    check.integer('accumulationSteps', accumulationSteps, { min: 1 });
  }
  return context;
}

/**
 * Looks up the advice row of a phase name: its declared category in
 * `context.phaseCategories`, else the name lower-cased, with spaces, `-`,
 * `_` and `/` removed, matched against {@link phaseAdviceTable}; unknown
 * names get the `custom` row. With a context the advice fits the run: the
 * faster-backend line names what to try given the backend in use (see
 * {@link backendAdvice}), and a run that accumulates gradients is not told
 * to start.
 *
 * @param phase - A phase name, e.g. `'data-loading'` or `'Backward'`.
 * @param context - What is known about the run (optional).
 * @returns The matching {@link PhaseAdvice}, its advice adapted to the context.
 *
 * @example
 * ```ts
 * phaseAdvice('data_loading').category; // 'data'
 * phaseAdvice('write weights', { phaseCategories: { 'write weights': 'checkpoint' } }).category; // 'checkpoint'
 * ```
 */
export function phaseAdvice(phase: string, context: AdviceContext = {}): PhaseAdvice {
  const check = checkArguments('phaseAdvice');
  if (typeof phase !== 'string') check.fail('phase', phase, 'a phase name (a string)');
  checkAdviceContext(
    'phaseAdvice',
    check.options('context', context, "{ backend: { backend: 'wasm' } }"),
  );
  const declared = context.phaseCategories?.[phase];
  const row =
    declared === undefined
      ? (byName.get(phase.toLowerCase().replace(/[\s\-_/]/g, '')) ?? custom)
      : byCategory.get(declared)!;
  const knowsBackend = context.backend !== undefined;
  const k = context.accumulationSteps;
  if (!knowsBackend && k === undefined && !row.advice.includes(faster)) return row;
  const advice = row.advice.flatMap((item) => {
    if (item === faster) return backendAdvice(context.backend);
    if (item === accumulate && k !== undefined && k > 1) {
      return [
        `Accumulate over more micro-batches per update than the ${k} the run uses now, so the update runs less often.`,
      ];
    }
    return [item];
  });
  return { ...row, advice };
}
