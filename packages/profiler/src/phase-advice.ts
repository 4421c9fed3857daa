/**
 * What a phase does, recognized from its name. `step` is a whole
 * forward + backward + update (as inside tfjs-layers `model.fit`);
 * `overhead` is time between batches; `unattributed` is time inside an
 * iteration but outside every phase.
 */
export type PhaseCategory =
  | 'data'
  | 'forward'
  | 'backward'
  | 'optimizer'
  | 'step'
  | 'evaluation'
  | 'logging'
  | 'overhead'
  | 'unattributed'
  | 'custom';

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

const faster =
  'Use a faster backend: tfjs-node (native) in Node, WebGPU or WebGL in the browser, WASM with SIMD and threads.';

/**
 * The advice table: for each phase category, the names that select it, the
 * share at which it is worth a warning, and what to do.
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
      'Accumulate gradients over several micro-batches so the update runs less often (@trainkit/accumulate).',
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
    names: ['logging', 'log', 'logs', 'summary', 'summaries', 'tensorboard', 'checkpoint', 'save'],
    warnShare: 0.05,
    advice: [
      'Logging is too frequent: log every n iterations; buffer values and write once per epoch.',
      'Avoid reading tensors back (data(), dataSync()) only to log them: each readback waits for the backend.',
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
const custom = phaseAdviceTable.find((row) => row.category === 'custom')!;

/**
 * Looks up the advice row of a phase name: lower-cased, with spaces, `-`,
 * `_` and `/` removed, then matched against {@link phaseAdviceTable}; unknown
 * names get the `custom` row.
 *
 * @param phase - A phase name, e.g. `'data-loading'` or `'Backward'`.
 * @returns The matching {@link PhaseAdvice}.
 *
 * @example
 * ```ts
 * phaseAdvice('data_loading').category; // 'data'
 * ```
 */
export function phaseAdvice(phase: string): PhaseAdvice {
  return byName.get(phase.toLowerCase().replace(/[\s\-_/]/g, '')) ?? custom;
}
