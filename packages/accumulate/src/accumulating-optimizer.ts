import { type NamedTensorMap, Optimizer, serialization, type Tensor } from '@tensorflow/tfjs-core';
import { checkArguments, InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import { getLearningRate, getMomentum, setLearningRate, setMomentum } from '@trainkit/core/tfjs';
import {
  type AccumulatingOptimizerOptions,
  type AccumulationStepsSchedule,
  groupSizeAt,
  type NonFiniteMode,
  type ResolvedAccumulationOptions,
  resolveAccumulationOptions,
} from './accumulation-options';
import {
  type AccumulatorState,
  addMicroBatch,
  checkMicroBatch,
  closeGroup,
  completesGroup,
  countUpdate,
  initialAccumulatorState,
  type MicroBatch,
  type NamedTensor,
  skipMicroBatch,
} from './accumulation-state';
import { NonFiniteGradientError } from './errors';
import { nonFiniteIndices } from './gradient-arithmetic';
import { restoreStateWeights, stateWeights } from './weight-layout';

export type { NamedTensor } from './accumulation-state';

const className = 'AccumulatingOptimizer';
const marker = Symbol.for('trainkit.accumulate.AccumulatingOptimizer');

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
  /** Everything accumulated, in one record; the transitions of accumulation-state.ts replace it. */
  private record: AccumulatorState;
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
    this.record = initialAccumulatorState(inner);
    this.iterations_ = this.record.gradientStep;
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
    const record = this.record;
    return {
      updateCount: this.iterations,
      miniStep: record.miniStep,
      sampleCount: record.sampleCount,
      skippedMicroBatches: record.skippedMicroBatches,
      variableNames: record.variableNames === null ? null : [...record.variableNames],
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
    if (this.record.miniStep === 0) return this.result(false, false);
    this.finishGroup(`${className}.flush`, null);
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
    const { weights, created } = await stateWeights(this.record);
    this.snapshot = created;
    return weights;
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
    this.commit(await restoreStateWeights(`${className}.setWeights`, this.record, weightValues));
    this.nextMicroBatch = null;
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
    for (const tensor of this.record.accumulators) tensor?.dispose();
    this.record = { ...this.record, accumulators: [] };
    this.inner.dispose();
    super.dispose();
  }

  private result(updated: boolean, skipped: boolean): AccumulationResult {
    return { updated, skipped, updateCount: this.iterations, miniStep: this.record.miniStep };
  }

  /** Makes `record` current: `iterations` follows its update count; the last getWeights answer is freed. */
  private commit(record: AccumulatorState): void {
    this.releaseSnapshot();
    this.record = record;
    this.iterations_ = record.gradientStep;
  }

  /** Checks a micro-batch completely, then runs the transition it calls for. */
  private add(
    functionName: string,
    gradients: NamedTensorMap | readonly NamedTensor[],
    sampleCount: number,
  ): AccumulationResult {
    const record = this.record;
    const batch = checkMicroBatch(functionName, record, gradients, sampleCount);
    const groupSize = groupSizeAt(functionName, this.options.k, record.gradientStep);
    if (this.options.nonFinite !== 'propagate') {
      const bad = nonFiniteIndices(batch.gradients);
      if (bad.length > 0) {
        if (this.options.nonFinite === 'throw') {
          throw new NonFiniteGradientError({
            functionName,
            variableNames: bad.map((index) => batch.names[index]!),
            updateCount: record.gradientStep,
            miniStep: record.miniStep,
          });
        }
        this.commit(skipMicroBatch(record));
        return this.result(false, true);
      }
    }
    if (completesGroup(record, groupSize)) {
      this.finishGroup(functionName, batch);
      return this.result(true, false);
    }
    this.commit(addMicroBatch(record, batch));
    return this.result(false, false);
  }

  /**
   * Applies the group's mean through the inner optimizer. The group is over
   * afterwards even if the inner optimizer throws (which it does not for
   * valid gradients); the update is counted once it is applied.
   */
  private finishGroup(functionName: string, last: MicroBatch | null): void {
    const { state, gradients, owned } = closeGroup(
      functionName,
      this.record,
      last,
      this.options.clipNorm,
    );
    this.commit(state);
    try {
      this.inner.applyGradients(gradients);
    } finally {
      for (const tensor of owned) tensor.dispose();
    }
    this.commit(countUpdate(state));
  }

  private releaseSnapshot(): void {
    for (const tensor of this.snapshot) tensor.dispose();
    this.snapshot = [];
  }
}

Object.defineProperty(AccumulatingOptimizer, Symbol.hasInstance, {
  value: (value: unknown) => AccumulatingOptimizer.isInstance(value),
});
