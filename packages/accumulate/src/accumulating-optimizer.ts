import {
  add,
  addN,
  clone,
  div,
  engine,
  keep,
  maximum,
  mul,
  type NamedTensorMap,
  Optimizer,
  type Scalar,
  scalar,
  serialization,
  sqrt,
  square,
  sum,
  Tensor,
  tensor1d,
  tidy,
  type Variable,
  zeros,
} from '@tensorflow/tfjs-core';
import {
  checkArguments,
  InvalidArgumentError,
  ShapeMismatchError,
  StateRestoreError,
} from '@trainkit/core';
import {
  getLearningRate,
  getMomentum,
  setLearningRate,
  setMomentum,
} from '@trainkit/schedules/optimizer';
import {
  type AccumulatingOptimizerOptions,
  type AccumulationStepsSchedule,
  groupSizeAt,
  type NonFiniteMode,
  type ResolvedAccumulationOptions,
  resolveAccumulationOptions,
} from './accumulation-options';
import { NonFiniteGradientError } from './errors';

const className = 'AccumulatingOptimizer';
const marker = Symbol.for('trainkit.accumulate.AccumulatingOptimizer');
const counterNames = [
  'iter',
  'accumulate/mini_step',
  'accumulate/skipped',
  'accumulate/sample_count',
  'accumulate/first_sample_count',
  'accumulate/has_gradient',
] as const;
const accumulatorSuffix = '/accumulated_gradient';
const innerPrefix = 'inner/';
/**
 * tfjs' Adam rebuilds its bias-correction products as `beta^(t+1)` in
 * `setWeights` instead of saving them, which differs (in float32, and wholly
 * once beta1 is scheduled) from the products it accumulated while training.
 * The wrapper saves them after the inner weights so a restore is exact.
 */
const biasCorrectionPrefix = 'bias_correction/';
const biasCorrectionFields = ['accBeta1', 'accBeta2'] as const;

function biasCorrectionVariables(optimizer: Optimizer): Variable[] | null {
  const fields = optimizer as unknown as Record<string, unknown>;
  const found = biasCorrectionFields.map((field) => fields[field]);
  return found.every((value) => value instanceof Tensor && isVariable(value))
    ? (found as Variable[])
    : null;
}

/** A tensor with the name of its variable (tfjs `NamedTensor`, not exported by tfjs-core). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

/** The sample count of one micro-batch. */
export interface MicroBatchOptions {
  /**
   * Number of samples the micro-batch's mean loss was taken over (its weight
   * in the sample-weighted mean). A positive number, usually the batch size.
   */
  readonly sampleCount: number;
}

/** What {@link AccumulatingOptimizer.setNextMicroBatch} announces. */
export interface NextMicroBatchOptions extends MicroBatchOptions {
  /** Apply the pending update right after this micro-batch (last batch of an epoch). */
  readonly endOfEpoch?: boolean;
}

/** The outcome of adding one micro-batch or of a flush. */
export interface AccumulationResult {
  /** True when this call applied an update through the inner optimizer. */
  readonly updated: boolean;
  /** True when the micro-batch was dropped because a gradient was NaN or infinite. */
  readonly skipped: boolean;
  /** Updates applied so far (equals `optimizer.iterations`). */
  readonly updateCount: number;
  /** Micro-batches waiting in the accumulator after this call. */
  readonly miniStep: number;
}

/**
 * The counters of an {@link AccumulatingOptimizer} as a plain record (the
 * optax `MultiStepsState` fields). The accumulated gradients themselves are
 * tensors; `getWeights()` returns them.
 */
export interface AccumulationState {
  /** Updates applied so far (optax `gradient_step`, tfjs `iterations`). */
  readonly updateCount: number;
  /** Micro-batches accumulated towards the next update (optax `mini_step`). */
  readonly miniStep: number;
  /** Samples accumulated towards the next update (sum of the micro-batches' sample counts). */
  readonly sampleCount: number;
  /** Micro-batches dropped so far because their gradients were not finite. */
  readonly skippedMicroBatches: number;
  /**
   * The variables this optimizer updates, in the order the inner optimizer sees
   * them; `null` until the first micro-batch (and after `setWeights`, until the
   * next one, as variables are matched by position like tfjs optimizers do).
   */
  readonly variableNames: readonly string[] | null;
}

interface GradientList {
  readonly names: string[];
  readonly tensors: (Tensor | null)[];
  readonly shapes: number[][];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

function registeredVariable(name: string): { shape: number[] } | undefined {
  return (engine().registeredVariables as Record<string, { shape: number[] } | undefined>)[name];
}

/**
 * A `tf.Optimizer` that accumulates gradients over k micro-batches and applies
 * their sample-weighted mean once through an inner optimizer, so that k
 * micro-batches of b samples give the same update as one batch of k·b samples
 * with a mean loss.
 *
 * For the micro-batches i = 1..n of one update, with mean gradients gᵢ over sᵢ
 * samples, the inner optimizer receives
 *
 *     g = (Σᵢ sᵢ·gᵢ) / (Σᵢ sᵢ)
 *
 * (optionally clipped to a global norm), which is the gradient of the mean loss
 * over all Σᵢ sᵢ samples. An uneven last group (e.g. the end of an epoch, via
 * {@link AccumulatingOptimizer.flush}) is weighted by its true sample count.
 *
 * Numerics (float32): the accumulator holds Σᵢ (sᵢ/s₁)·gᵢ, i.e. the sum in units
 * of the first micro-batch's sample count, and is divided once by Σᵢ sᵢ/s₁ at
 * the update. With equal micro-batches this is a plain sum divided by k (one
 * rounding per addition, no per-step rescaling as in a running mean), and with
 * k = 1 the gradient reaches the inner optimizer bit for bit.
 *
 * Two faces:
 * - custom loops: {@link AccumulatingOptimizer.accumulate} with the sample
 *   count, {@link AccumulatingOptimizer.flush} at the end of an epoch; both say
 *   whether an update happened;
 * - `model.fit`: `applyGradients` (what `fit` calls) adds a micro-batch with
 *   weight 1, or with the count announced by {@link accumulationCallback}.
 *
 * `iterations` counts updates, not micro-batches, so learning-rate schedules
 * that read it step once per update. The wrapper owns the inner optimizer:
 * `dispose()` disposes both.
 *
 * References: optax `MultiSteps`; Keras 3 `gradient_accumulation_steps`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { AccumulatingOptimizer } from '@trainkit/accumulate';
 *
 * const optimizer = new AccumulatingOptimizer(tf.train.adam(1e-3), { k: 4, clipNorm: 1 });
 * for (const { xs, ys } of microBatches) {
 *   const { value, grads } = tf.variableGrads(() => loss(xs, ys));
 *   const { updated } = optimizer.accumulate(grads, { sampleCount: xs.shape[0] });
 *   tf.dispose([value, grads]);
 * }
 * optimizer.flush(); // end of epoch: apply the partial group with its true weight
 * ```
 */
export class AccumulatingOptimizer extends Optimizer {
  /** Name under which the class is registered with `tf.serialization`. */
  static get className(): string {
    return className;
  }

  /**
   * True for an AccumulatingOptimizer from any copy of this package. (`instanceof`
   * works too: tf.Optimizer's own `instanceof` is duck-typed and would accept
   * any optimizer, so this class checks its marker instead.)
   *
   * @example
   * ```ts
   * AccumulatingOptimizer.isInstance(model.optimizer);
   * ```
   */
  static isInstance(value: unknown): value is AccumulatingOptimizer {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[marker] === true
    );
  }

  readonly [marker] = true;

  /** The wrapped optimizer that applies each accumulated update. */
  readonly inner: Optimizer;

  private readonly options: ResolvedAccumulationOptions;
  private variableNames: string[] | null = null;
  /** Shapes of the accumulator slots, known from binding or from `setWeights`. */
  private slotShapes: number[][] | null = null;
  /** Variable names recorded in restored weights (informative, matched by position). */
  private slotNames: string[] | null = null;
  private accumulators: (Tensor | null)[] = [];
  private miniStep = 0;
  private sampleCount = 0;
  private firstSampleCount = 0;
  private skippedMicroBatches = 0;
  private nextMicroBatch: NextMicroBatchOptions | null = null;
  /** Tensors created for the last `getWeights()` answer, freed on the next change. */
  private snapshot: Tensor[] = [];

  /**
   * @param inner The optimizer that applies the accumulated gradient (e.g.
   *   `tf.train.adam(1e-3)`). The wrapper takes ownership of it.
   * @param options `k` (micro-batches per update, or a schedule of it),
   *   `clipNorm`, `nonFinite`. See {@link AccumulatingOptimizerOptions}.
   * @throws InvalidArgumentError for a bad inner optimizer or option.
   *
   * @example
   * ```ts
   * const optimizer = new AccumulatingOptimizer(tf.train.adam(1e-3), { k: 4, clipNorm: 1 });
   * ```
   */
  constructor(inner: Optimizer, options: AccumulatingOptimizerOptions) {
    super();
    const check = checkArguments(className);
    if (!(inner instanceof Optimizer) || typeof inner.getWeights !== 'function') {
      check.fail('inner', inner, 'a tf.Optimizer', 'Pass e.g. tf.train.adam(1e-3).');
    }
    this.options = resolveAccumulationOptions(className, options);
    this.inner = inner;
    this.iterations_ = inner.iterations;
  }

  /** The micro-batches per update: a number, or the schedule of k given at construction. */
  get k(): number | AccumulationStepsSchedule {
    return this.options.k;
  }

  /** The global-norm clipping threshold, or `undefined` when clipping is off. */
  get clipNorm(): number | undefined {
    return this.options.clipNorm;
  }

  /** How micro-batches with NaN or infinite gradients are handled. */
  get nonFinite(): NonFiniteMode {
    return this.options.nonFinite;
  }

  /**
   * The counters as a plain record; see {@link AccumulationState}.
   *
   * @example
   * ```ts
   * optimizer.state;
   * // { updateCount: 12, miniStep: 1, sampleCount: 32, skippedMicroBatches: 0, variableNames: [...] }
   * ```
   */
  get state(): AccumulationState {
    return {
      updateCount: this.iterations,
      miniStep: this.miniStep,
      sampleCount: this.sampleCount,
      skippedMicroBatches: this.skippedMicroBatches,
      variableNames: this.variableNames === null ? null : [...this.variableNames],
    };
  }

  /** The inner optimizer's learning rate. Setting it forwards to the inner optimizer. */
  get learningRate(): number {
    return getLearningRate(this.inner);
  }

  set learningRate(value: number) {
    setLearningRate(this.inner, value);
  }

  /**
   * Sets the inner optimizer's learning rate (what `@trainkit/schedules`'
   * `setLearningRate` and scheduler callbacks call).
   *
   * @param learningRate The new rate, a finite number >= 0.
   *
   * @example
   * ```ts
   * optimizer.setLearningRate(schedule(optimizer.iterations));
   * ```
   */
  setLearningRate(learningRate: number): void {
    setLearningRate(this.inner, learningRate);
  }

  /**
   * Sets the inner optimizer's momentum (Momentum's `momentum`, Adam's and
   * Adamax's `beta1`, RMSProp's `momentum`), so that one-cycle and cyclic
   * momentum schedules work through the wrapper.
   *
   * @param momentum The new momentum, in [0, 1).
   */
  setMomentum(momentum: number): void {
    setMomentum(this.inner, momentum);
  }

  /** The inner optimizer's momentum (or `beta1`). */
  getMomentum(): number {
    return getMomentum(this.inner);
  }

  /**
   * Adds one micro-batch's gradients. When the group holds k micro-batches,
   * applies their sample-weighted mean through the inner optimizer.
   *
   * The gradients are copied; the caller still owns (and disposes) them. Every
   * micro-batch must carry gradients for the same variables (a `null` entry
   * means "no gradient this time" and adds zero). On any error the state is
   * unchanged.
   *
   * @param gradients Gradients by variable name (`tf.variableGrads(...).grads`)
   *   or as a `{ name, tensor }` list.
   * @param microBatch `{ sampleCount }`: the number of samples the mean loss was taken over.
   * @returns Whether an update happened, whether the micro-batch was skipped, and the counters.
   * @throws InvalidArgumentError for a bad sample count, unknown variables or a changed variable set.
   * @throws ShapeMismatchError when a gradient's shape differs from its variable's.
   * @throws NonFiniteGradientError for NaN/Infinity with `nonFinite: 'throw'`.
   *
   * @example
   * ```ts
   * const { updated } = optimizer.accumulate(grads, { sampleCount: 32 });
   * ```
   */
  accumulate(
    gradients: NamedTensorMap | readonly NamedTensor[],
    microBatch: MicroBatchOptions,
  ): AccumulationResult {
    const functionName = `${className}.accumulate`;
    if (typeof microBatch !== 'object' || microBatch === null) {
      checkArguments(functionName).fail(
        'microBatch',
        microBatch,
        'an object { sampleCount }',
        'Pass the number of samples of the micro-batch, e.g. { sampleCount: 32 }.',
      );
    }
    return this.add(functionName, gradients, microBatch.sampleCount);
  }

  /**
   * Applies the pending partial group, if any, with its true sample weight.
   * Call it at the end of an epoch (or before evaluating, or before saving if
   * the partial group should not carry over).
   *
   * @returns `updated: true` when there was something to apply.
   *
   * @example
   * ```ts
   * optimizer.flush(); // end of epoch
   * ```
   */
  flush(): AccumulationResult {
    if (this.miniStep === 0) return this.result(false, false);
    this.applyUpdate();
    return this.result(true, false);
  }

  /**
   * Announces the sample count of the next micro-batch that arrives through
   * `applyGradients` (what `model.fit` calls), and whether to flush after it.
   * {@link accumulationCallback} calls this before every batch; it is consumed
   * by the next `applyGradients` call.
   *
   * @param microBatch `{ sampleCount, endOfEpoch? }`.
   * @throws InvalidArgumentError for a sample count that is not a positive number.
   *
   * @example
   * ```ts
   * optimizer.setNextMicroBatch({ sampleCount: 12, endOfEpoch: true });
   * optimizer.minimize(() => loss(lastXs, lastYs)); // weight 12, then the group is applied
   * ```
   */
  setNextMicroBatch(microBatch: NextMicroBatchOptions): void {
    const check = checkArguments(`${className}.setNextMicroBatch`);
    const sampleCount = check.positive(
      'sampleCount',
      microBatch?.sampleCount,
      'Pass the number of samples in the next batch.',
    );
    const endOfEpoch =
      microBatch.endOfEpoch === undefined
        ? false
        : check.boolean('endOfEpoch', microBatch.endOfEpoch);
    this.nextMicroBatch = { sampleCount, endOfEpoch };
  }

  /**
   * The `tf.Optimizer` entry point (used by `minimize` and `model.fit`): adds
   * the gradients as one micro-batch. Its weight is the sample count announced
   * with {@link AccumulatingOptimizer.setNextMicroBatch}, or 1 (every
   * micro-batch weighs the same) when nothing was announced.
   *
   * @param variableGradients Gradients by variable name or as a list.
   *
   * @example
   * ```ts
   * optimizer.minimize(() => loss(xs, ys)); // computeGradients + applyGradients
   * ```
   */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const announced = this.nextMicroBatch;
    this.nextMicroBatch = null;
    this.add(`${className}.applyGradients`, variableGradients, announced?.sampleCount ?? 1);
    if (announced?.endOfEpoch === true) this.flush();
  }

  /**
   * The state in tfjs order: the update count (`iter`) first, then this
   * wrapper's counters and accumulators, then the inner optimizer's weights
   * (names prefixed with `inner/`):
   *
   * `iter`, `accumulate/mini_step`, `accumulate/skipped`,
   * `accumulate/sample_count`, `accumulate/first_sample_count`,
   * `accumulate/has_gradient` (int32, one flag per variable), one
   * `<variable>/accumulated_gradient` per variable, `inner/...`.
   *
   * The tensors belong to the optimizer and stay valid until its next
   * micro-batch, update, `setWeights` or `dispose`; clone them to keep them longer.
   *
   * @example
   * ```ts
   * const state = (await optimizer.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
   * ```
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.releaseSnapshot();
    const created: Tensor[] = [];
    const own = <T extends Tensor>(tensor: T): T => {
      created.push(keep(tensor));
      return tensor;
    };
    const shapes = this.slotShapes ?? [];
    const names = this.variableNames ?? this.slotNames ?? shapes.map((_, i) => `variable_${i}`);
    const hasGradient = shapes.map((_, i) => (this.accumulatorAt(i) === null ? 0 : 1));
    const weights: NamedTensor[] = [
      { name: counterNames[0], tensor: own(scalar(this.iterations, 'int32')) },
      { name: counterNames[1], tensor: own(scalar(this.miniStep, 'int32')) },
      { name: counterNames[2], tensor: own(scalar(this.skippedMicroBatches, 'int32')) },
      { name: counterNames[3], tensor: own(scalar(this.sampleCount, 'float32')) },
      { name: counterNames[4], tensor: own(scalar(this.firstSampleCount, 'float32')) },
      { name: counterNames[5], tensor: own(tensor1d(hasGradient, 'int32')) },
      ...shapes.map((shape, i) => ({
        name: `${names[i]}${accumulatorSuffix}`,
        tensor: this.accumulatorAt(i) ?? own(zeros(shape, 'float32')),
      })),
    ];
    const innerWeights = await this.inner.getWeights();
    // tfjs optimizers create a fresh `iter` scalar on every getWeights call
    // (Optimizer.saveIterations); take ownership so repeated saves do not leak.
    const first = innerWeights[0];
    if (first !== undefined && first.name === 'iter' && !isVariable(first.tensor)) {
      created.push(keep(first.tensor));
    }
    this.snapshot = created;
    const corrections = biasCorrectionVariables(this.inner) ?? [];
    return weights.concat(
      innerWeights.map(({ name, tensor }) => ({ name: `${innerPrefix}${name}`, tensor })),
      corrections.map((variable, i) => ({
        name: `${biasCorrectionPrefix}${biasCorrectionFields[i]}`,
        tensor: variable,
      })),
    );
  }

  /**
   * Restores the state written by {@link AccumulatingOptimizer.getWeights}
   * (what `tf.loadLayersModel` calls for a model saved with its optimizer).
   * Accumulators are matched to variables by position, like the tfjs
   * optimizers' slots, because a reloaded model's variables may be renamed;
   * the next micro-batch checks that their shapes fit. The tensors are copied.
   *
   * @param weightValues The list from `getWeights()`.
   * @throws StateRestoreError for a list that does not have that layout, or
   *   that the inner optimizer rejects. Nothing changes in this wrapper then.
   *
   * @example
   * ```ts
   * const restored = new AccumulatingOptimizer(tf.train.adam(1e-3), { k: 4 });
   * await restored.setWeights(await optimizer.getWeights());
   * ```
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const functionName = `${className}.setWeights`;
    const fail = (message: string, cause?: unknown): never => {
      throw new StateRestoreError(
        functionName,
        `${message} Pass the list returned by AccumulatingOptimizer.getWeights().`,
        cause === undefined ? undefined : { cause },
      );
    };
    if (!Array.isArray(weightValues) || weightValues.length < counterNames.length) {
      fail(
        `expected at least ${counterNames.length} weights (${counterNames.join(', ')}), got ${Array.isArray(weightValues) ? weightValues.length : typeof weightValues}.`,
      );
    }
    const numbers: number[][] = [];
    for (const [i, expected] of counterNames.entries()) {
      const entry = weightValues[i];
      if (entry?.name !== expected || !(entry.tensor instanceof Tensor)) {
        fail(`weight ${i} must be '${expected}', got '${String(entry?.name)}'.`);
      }
      numbers.push(Array.from(await entry!.tensor.data<'float32'>()));
    }
    const [iterations, miniStep, skipped, sampleCount, firstSampleCount] = numbers.map(
      (values) => values[0],
    );
    const hasGradient = numbers[5] ?? [];
    const isCount = (value: number | undefined): value is number =>
      value !== undefined && Number.isSafeInteger(value) && value >= 0;
    if (!isCount(iterations) || !isCount(miniStep) || !isCount(skipped)) {
      fail(
        `iter, mini_step and skipped must be integers >= 0, got ${iterations}, ${miniStep}, ${skipped}.`,
      );
    }
    if (
      sampleCount === undefined ||
      firstSampleCount === undefined ||
      !Number.isFinite(sampleCount) ||
      !Number.isFinite(firstSampleCount) ||
      (miniStep! > 0 && (sampleCount <= 0 || firstSampleCount <= 0))
    ) {
      fail(
        `sample_count and first_sample_count must be > 0 while micro-batches are pending, got ${sampleCount} and ${firstSampleCount}.`,
      );
    }
    if (hasGradient.some((flag) => flag !== 0 && flag !== 1)) {
      fail('has_gradient must hold only 0 and 1.');
    }
    const slotCount = hasGradient.length;
    if (miniStep! > 0 && slotCount === 0) {
      fail('micro-batches are pending but no accumulator is stored.');
    }
    const slots = weightValues.slice(counterNames.length, counterNames.length + slotCount);
    if (
      slots.length !== slotCount ||
      slots.some(
        (slot) => !slot.name.endsWith(accumulatorSuffix) || !(slot.tensor instanceof Tensor),
      )
    ) {
      fail(`expected ${slotCount} '<variable>${accumulatorSuffix}' weights after the counters.`);
    }
    const rest = weightValues.slice(counterNames.length + slotCount);
    const corrections = rest.filter((weight) => weight.name.startsWith(biasCorrectionPrefix));
    const innerWeights = rest.filter((weight) => !weight.name.startsWith(biasCorrectionPrefix));
    const targets = corrections.length > 0 ? biasCorrectionVariables(this.inner) : [];
    if (
      targets === null ||
      (corrections.length > 0 && corrections.length !== biasCorrectionFields.length)
    ) {
      fail(
        `the weights hold bias corrections (${corrections.map((c) => c.name).join(', ')}) that the inner ${this.inner.getClassName()} optimizer has no place for.`,
      );
    }
    const foreign = innerWeights.find((weight) => !weight.name.startsWith(innerPrefix));
    if (foreign !== undefined) {
      fail(`weight '${foreign.name}' is neither an accumulator nor an 'inner/' weight.`);
    }
    try {
      await this.inner.setWeights(
        innerWeights.map(({ name, tensor }) => ({ name: name.slice(innerPrefix.length), tensor })),
      );
    } catch (cause) {
      fail(
        `the inner ${this.inner.getClassName()} optimizer rejected its weights: ${(cause as Error)?.message ?? String(cause)}`,
        cause,
      );
    }
    corrections.forEach((correction, i) => {
      targets![i]!.assign(correction.tensor as Scalar);
    });
    this.releaseSnapshot();
    this.disposeAccumulators();
    this.accumulators =
      miniStep! > 0
        ? slots.map((slot, i) => (hasGradient[i] === 1 ? keep(clone(slot.tensor)) : null))
        : [];
    this.slotShapes = slotCount > 0 ? slots.map((slot) => [...slot.tensor.shape]) : null;
    this.slotNames =
      slotCount > 0 ? slots.map((slot) => slot.name.slice(0, -accumulatorSuffix.length)) : null;
    this.variableNames = null;
    this.miniStep = miniStep!;
    this.skippedMicroBatches = skipped!;
    this.sampleCount = miniStep! > 0 ? sampleCount! : 0;
    this.firstSampleCount = miniStep! > 0 ? firstSampleCount! : 0;
    this.nextMicroBatch = null;
    this.iterations_ = iterations!;
  }

  /**
   * The serializable configuration: `k`, `clipNorm`, `nonFinite` and the inner
   * optimizer's `{ className, config }`.
   *
   * @throws InvalidArgumentError when k is a schedule (a function cannot be
   *   serialized); `model.save` then fails before anything is written.
   *
   * @example
   * ```ts
   * optimizer.getConfig();
   * // { k: 4, clipNorm: null, nonFinite: 'skip', optimizer: { className: 'Adam', config: { ... } } }
   * ```
   */
  override getConfig(): serialization.ConfigDict {
    const { k, clipNorm, nonFinite } = this.options;
    if (typeof k !== 'number') {
      throw new InvalidArgumentError({
        functionName: `${className}.getConfig`,
        argument: 'k',
        value: k,
        expected: 'a number for the optimizer to be serializable',
        fix: 'Save the model without includeOptimizer and keep the optimizer state with getWeights(), or use a fixed k.',
      });
    }
    return {
      k,
      clipNorm: clipNorm ?? null,
      nonFinite,
      optimizer: { className: this.inner.getClassName(), config: this.inner.getConfig() },
    };
  }

  /**
   * Rebuilds an optimizer from {@link AccumulatingOptimizer.getConfig} (used by
   * `tf.loadLayersModel` after {@link registerAccumulatingOptimizer}). The inner
   * optimizer class must be registered with `tf.serialization` (the tfjs
   * built-in optimizers are).
   *
   * @throws StateRestoreError for an unknown inner class or a bad config.
   *
   * @example
   * ```ts
   * const copy = AccumulatingOptimizer.fromConfig(AccumulatingOptimizer, optimizer.getConfig());
   * ```
   */
  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    const functionName = `${className}.fromConfig`;
    const innerConfig = config?.optimizer as serialization.ConfigDict | undefined;
    const innerClassName = innerConfig?.className ?? innerConfig?.class_name;
    if (typeof innerClassName !== 'string') {
      throw new StateRestoreError(
        functionName,
        'config.optimizer.className is missing. Pass the object returned by getConfig().',
      );
    }
    const entry = serialization.SerializationMap.getMap().classNameMap[innerClassName];
    if (entry === undefined) {
      throw new StateRestoreError(
        functionName,
        `the inner optimizer class '${innerClassName}' is not registered. Register it with tf.serialization.registerClass before loading.`,
      );
    }
    const [innerClass, innerFromConfig] = entry;
    try {
      const inner = innerFromConfig(
        innerClass,
        (innerConfig?.config ?? {}) as serialization.ConfigDict,
      );
      const options: AccumulatingOptimizerOptions = {
        k: config.k as number,
        ...(config.clipNorm == null ? {} : { clipNorm: config.clipNorm as number }),
        ...(config.nonFinite == null ? {} : { nonFinite: config.nonFinite as NonFiniteMode }),
      };
      return new cls(inner, options);
    } catch (cause) {
      throw new StateRestoreError(
        functionName,
        `cannot rebuild the optimizer: ${(cause as Error)?.message ?? String(cause)}`,
        { cause },
      );
    }
  }

  /**
   * Frees the accumulators, the tensors of the last `getWeights()` and the inner optimizer.
   *
   * @example
   * ```ts
   * optimizer.dispose(); // also disposes optimizer.inner
   * ```
   */
  override dispose(): void {
    this.releaseSnapshot();
    this.disposeAccumulators();
    this.accumulators = [];
    this.inner.dispose();
    super.dispose();
  }

  private result(updated: boolean, skipped: boolean): AccumulationResult {
    return { updated, skipped, updateCount: this.iterations, miniStep: this.miniStep };
  }

  private accumulatorAt(index: number): Tensor | null {
    return this.miniStep > 0 ? (this.accumulators[index] ?? null) : null;
  }

  private add(
    functionName: string,
    gradients: NamedTensorMap | readonly NamedTensor[],
    sampleCount: number,
  ): AccumulationResult {
    // Validate everything before touching the state.
    checkArguments(functionName).positive(
      'sampleCount',
      sampleCount,
      'Pass the number of samples the micro-batch loss was averaged over.',
    );
    const list = this.orderGradients(functionName, gradients);
    const groupSize = groupSizeAt(functionName, this.options.k, this.iterations);
    if (this.options.nonFinite !== 'propagate') {
      const bad = nonFiniteVariables(list);
      if (bad.length > 0) {
        if (this.options.nonFinite === 'throw') {
          throw new NonFiniteGradientError({
            functionName,
            variableNames: bad,
            updateCount: this.iterations,
            miniStep: this.miniStep,
          });
        }
        this.releaseSnapshot();
        this.skippedMicroBatches += 1;
        return this.result(false, true);
      }
    }

    this.releaseSnapshot();
    const first = this.miniStep === 0;
    if (first) this.disposeAccumulators();
    const ratio = first ? 1 : sampleCount / this.firstSampleCount;
    const previous = first ? list.tensors.map(() => null) : this.accumulators;
    this.accumulators = previous;
    this.variableNames = list.names;
    this.slotShapes = list.shapes;
    this.slotNames = null;
    if (first) this.firstSampleCount = sampleCount;
    this.sampleCount += sampleCount;
    if (this.miniStep + 1 >= groupSize) {
      // The last micro-batch of the group goes straight into the mean: the
      // sum including it is never stored.
      this.finishGroup({ tensors: list.tensors, ratio });
      return this.result(true, false);
    }
    // tidy ignores the null entries of the returned list.
    const next = tidy(
      () =>
        list.tensors.map((gradient, i) => {
          const old = previous[i] ?? null;
          if (gradient === null) return old;
          const weighted = ratio === 1 ? gradient : mul(gradient, ratio);
          if (old === null) return weighted === gradient ? clone(gradient) : weighted;
          return add(old, weighted);
        }) as Tensor[],
    ) as (Tensor | null)[];
    next.forEach((tensor, i) => {
      const old = previous[i] ?? null;
      if (tensor !== null && tensor !== old) {
        keep(tensor);
        old?.dispose();
      }
    });
    this.accumulators = next;
    this.miniStep += 1;
    return this.result(false, false);
  }

  /** Orders the gradients like the bound variables and checks names and shapes. */
  private orderGradients(
    functionName: string,
    gradients: NamedTensorMap | readonly NamedTensor[],
  ): GradientList {
    const check = checkArguments(functionName);
    const fix = 'Pass tf.variableGrads(...).grads or a list of { name, tensor }.';
    if (typeof gradients !== 'object' || gradients === null) {
      check.fail('gradients', gradients, 'a map or list of gradients', fix);
    }
    const entries: [string, unknown][] = Array.isArray(gradients)
      ? gradients.map((entry, i) => {
          if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string') {
            return check.fail(`gradients[${i}]`, entry, 'an object { name, tensor }', fix);
          }
          return [entry.name, entry.tensor] as [string, unknown];
        })
      : Object.entries(gradients);
    if (entries.length === 0) check.fail('gradients', gradients, 'at least one gradient', fix);
    const given = new Map<string, Tensor | null>();
    for (const [name, tensor] of entries) {
      if (given.has(name)) {
        check.fail('gradients', name, 'a list without duplicate variable names', fix);
      }
      if (tensor != null && (!(tensor instanceof Tensor) || tensor.isDisposed)) {
        check.fail(`gradients['${name}']`, tensor, 'a live tf.Tensor or null', fix);
      }
      given.set(name, (tensor as Tensor | null | undefined) ?? null);
    }

    const bound = this.variableNames;
    if (bound !== null) {
      const unknown = [...given.keys()].filter((name) => !bound.includes(name));
      const missing = bound.filter((name) => !given.has(name));
      if (unknown.length > 0 || missing.length > 0) {
        const when =
          this.miniStep > 0
            ? `changed between micro-batches of one update (${this.miniStep} pending)`
            : 'differs from the variables this optimizer updates';
        throw new InvalidArgumentError({
          functionName,
          argument: 'gradients',
          value: [...given.keys()],
          expected: `gradients for the variables ${JSON.stringify(bound)}`,
          fix: `The variable set ${when}: ${missing.length > 0 ? `missing ${JSON.stringify(missing)}` : ''}${missing.length > 0 && unknown.length > 0 ? ', ' : ''}${unknown.length > 0 ? `unexpected ${JSON.stringify(unknown)}` : ''}. Pass a null tensor for a variable without gradient, and use one optimizer per variable set.`,
        });
      }
    }
    const names = bound ?? [...given.keys()];
    const shapes: number[][] = [];
    const tensors = names.map((name) => {
      const variable = registeredVariable(name);
      if (variable === undefined) {
        return check.fail(
          'gradients',
          name,
          'gradients of registered tf.Variables',
          `There is no variable named '${name}' (disposed, or a typo). Pass the names from tf.variableGrads or model.trainableWeights.`,
        );
      }
      shapes.push([...variable.shape]);
      return given.get(name) ?? null;
    });
    const expectedShapes = this.slotShapes;
    if (bound === null && expectedShapes !== null) {
      if (expectedShapes.length !== names.length) {
        throw new ShapeMismatchError({
          functionName,
          argument: 'gradients (number of variables)',
          expected: expectedShapes.length,
          actual: names.length,
          fix: 'The restored state was saved for a different model; restore it into the same architecture.',
        });
      }
      names.forEach((name, i) => {
        const expected = expectedShapes[i]!;
        if (!sameShape(expected, shapes[i]!)) {
          throw new ShapeMismatchError({
            functionName,
            argument: `variable '${name}' (restored accumulator ${i})`,
            expected,
            actual: shapes[i]!,
            fix: 'The restored state was saved for a different model; restore it into the same architecture.',
          });
        }
      });
    }
    tensors.forEach((tensor, i) => {
      if (tensor === null) return;
      if (!sameShape(tensor.shape, shapes[i]!)) {
        throw new ShapeMismatchError({
          functionName,
          argument: `gradients['${names[i]}']`,
          expected: shapes[i]!,
          actual: tensor.shape,
          fix: "A gradient must have its variable's shape.",
        });
      }
      if (tensor.dtype !== 'float32') {
        check.fail(`gradients['${names[i]}'].dtype`, tensor.dtype, "'float32'", fix);
      }
    });
    return { names: [...names], tensors, shapes };
  }

  private applyUpdate(): void {
    this.finishGroup(null);
  }

  /**
   * Applies the group's sample-weighted mean through the inner optimizer.
   * `last` is the group's final micro-batch when it has not been added yet.
   * The mean is formed variable by variable and each accumulator is freed as
   * soon as its mean exists, so the update needs one extra copy of the
   * parameters at most. The group is over afterwards, even if the inner
   * optimizer throws (which it does not for valid gradients).
   */
  private finishGroup(last: { tensors: (Tensor | null)[]; ratio: number } | null): void {
    const names = this.variableNames!;
    const divisor = this.sampleCount / this.firstSampleCount;
    const clipNorm = this.options.clipNorm;
    const accumulators = this.accumulators;
    const owned: Tensor[] = [];
    let means = names.map((_, i) => {
      const sumSoFar = accumulators[i] ?? null;
      const gradient = last?.tensors[i] ?? null;
      const mean = tidy(() => {
        let total = sumSoFar;
        if (gradient !== null) {
          const weighted = last!.ratio === 1 ? gradient : mul(gradient, last!.ratio);
          total = sumSoFar === null ? weighted : add(sumSoFar, weighted);
        }
        if (total === null) return null as unknown as Tensor;
        return divisor === 1 ? total : div(total, divisor);
      }) as Tensor | null;
      if (mean !== null && mean !== gradient) owned.push(mean === sumSoFar ? mean : keep(mean));
      if (sumSoFar !== null && mean !== sumSoFar) sumSoFar.dispose();
      return mean;
    });
    this.accumulators = [];
    this.miniStep = 0;
    this.sampleCount = 0;
    this.firstSampleCount = 0;
    this.releaseSnapshot();
    try {
      const present = means.filter((mean): mean is Tensor => mean !== null);
      if (clipNorm !== undefined && present.length > 0) {
        const clipped = tidy(() => {
          const norm = sqrt(addN(present.map((mean) => sum(square(mean)))));
          const factor = div(clipNorm, maximum(norm, clipNorm));
          return means.map((mean) => (mean === null ? null : mul(mean, factor))) as Tensor[];
        }) as (Tensor | null)[];
        for (const tensor of clipped) if (tensor !== null) owned.push(keep(tensor));
        means = clipped;
      }
      this.inner.applyGradients(names.map((name, i) => ({ name, tensor: means[i] as Tensor })));
    } finally {
      for (const tensor of owned) tensor.dispose();
    }
    this.incrementIterations();
  }

  private disposeAccumulators(): void {
    for (const tensor of this.accumulators) tensor?.dispose();
  }

  private releaseSnapshot(): void {
    for (const tensor of this.snapshot) tensor.dispose();
    this.snapshot = [];
  }
}

Object.defineProperty(AccumulatingOptimizer, Symbol.hasInstance, {
  value: (value: unknown) => AccumulatingOptimizer.isInstance(value),
});

function isVariable(tensor: Tensor): boolean {
  return typeof (tensor as { assign?: unknown }).assign === 'function';
}

/** Names of the variables whose gradient holds NaN or ±Infinity (one device sync). */
function nonFiniteVariables(list: GradientList): string[] {
  const present = list.tensors
    .map((tensor, i) => ({ tensor, name: list.names[i]! }))
    .filter((entry): entry is { tensor: Tensor; name: string } => entry.tensor !== null);
  if (present.length === 0) return [];
  // A sum is finite only if every element is (NaN and ±Infinity propagate), so
  // one reduction per variable and one sync decide the common case. A
  // non-finite total may also be an overflow of finite values: the slow path
  // below tells them apart with x·0, which is 0 for finite x and NaN otherwise.
  const total = tidy(() => addN(present.map(({ tensor }) => sum(tensor))));
  const finite = Number.isFinite(total.dataSync()[0]);
  total.dispose();
  if (finite) return [];
  return present
    .filter(({ tensor }) => {
      const probe = tidy(() => sum(mul(tensor, 0)));
      const value = probe.dataSync()[0];
      probe.dispose();
      return !Number.isFinite(value);
    })
    .map(({ name }) => name);
}
