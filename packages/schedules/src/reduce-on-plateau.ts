import {
  checkArguments,
  readState,
  readStateEnvelope,
  type StateEnvelope,
  type StateReader,
  stateEnvelope,
} from '@trainkit/core';
import { checkOptions, optional } from './schedule';

/** Options of {@link reduceOnPlateau}. */
export interface ReduceOnPlateauOptions {
  /** The learning rate before any reduction, `> 0`. */
  readonly initialValue: number;
  /** `'min'`: the metric should decrease (a loss). `'max'`: it should increase (an accuracy). Default `'min'`. */
  readonly mode?: 'min' | 'max';
  /** Multiplier applied at each reduction, in `(0, 1)`. Default 0.1. */
  readonly factor?: number;
  /** Bad epochs tolerated: the rate is reduced on the `(patience + 1)`-th bad epoch in a row. An integer `>= 0`. Default 10. */
  readonly patience?: number;
  /** How much better a metric must be to count as an improvement, `>= 0`. Default 1e-4. */
  readonly threshold?: number;
  /**
   * `'relative'`: better than `best · (1 ∓ threshold)`. `'absolute'`: better
   * than `best ∓ threshold`. Default `'relative'`.
   */
  readonly thresholdMode?: 'relative' | 'absolute';
  /** Epochs after a reduction during which bad epochs are not counted, an integer `>= 0`. Default 0. */
  readonly cooldown?: number;
  /** The rate is never reduced below this, `>= 0`. Default 0. */
  readonly minValue?: number;
  /** A reduction smaller than this is skipped (PyTorch `eps`), `>= 0`. Default 1e-8. */
  readonly minimumChange?: number;
}

/**
 * The state of a {@link reduceOnPlateau}: a plain object. Save it with
 * {@link reduceOnPlateauToJSON}, load it with {@link reduceOnPlateauFromJSON};
 * the continuation is exact.
 */
export interface ReduceOnPlateauState {
  /** The mode the state was made for. */
  readonly mode: 'min' | 'max';
  /** The current learning rate. */
  readonly learningRate: number;
  /** The best metric so far, `null` before the first finite metric. */
  readonly best: number | null;
  /** Consecutive epochs without improvement (PyTorch `num_bad_epochs`). */
  readonly badEpochs: number;
  /** Epochs of cooldown left (PyTorch `cooldown_counter`). */
  readonly cooldownRemaining: number;
  /** Number of metrics seen (updates). */
  readonly epochs: number;
  /** Number of reductions applied so far. */
  readonly reductions: number;
}

/** A reduce-on-plateau rule with explicit state: see {@link reduceOnPlateau}. */
export interface ReduceOnPlateau {
  /** The state before the first metric: `learningRate = initialValue`. */
  init(): ReduceOnPlateauState;
  /**
   * Feeds one metric (usually once per epoch) and returns the next state; the
   * input state is not modified.
   *
   * @param state - The current state.
   * @param metric - The monitored value. NaN and ±Infinity never count as an improvement.
   * @throws StateRestoreError if `state` is not a valid state for these options.
   */
  update(state: ReduceOnPlateauState, metric: number): ReduceOnPlateauState;
}

/**
 * Reduce the learning rate when a metric has stopped improving, as a pure
 * state machine (optax `init`/`update` style, PyTorch `ReduceLROnPlateau`
 * semantics).
 *
 * For each metric `a`: it is an improvement when `a < best·(1 − thr)` (min,
 * relative), `a < best − thr` (min, absolute), `a > best·(1 + thr)` (max,
 * relative) or `a > best + thr` (max, absolute); then `best = a` and
 * `badEpochs = 0`, else `badEpochs += 1`. During a cooldown the cooldown
 * counter decreases and `badEpochs` is reset. When `badEpochs > patience`, the
 * rate becomes `max(lr · factor, minValue)` if that lowers it by more than
 * `minimumChange`, the cooldown starts and `badEpochs = 0`. With a relative
 * threshold and a negative `best`, PyTorch's comparison (reproduced here)
 * accepts slightly worse values as improvements; use `'absolute'` for metrics
 * that can be negative. Differs from PyTorch only for infinite metrics, which
 * never become `best` (so that the state stays valid JSON).
 *
 * @param options - {@link ReduceOnPlateauOptions}
 * @returns `{ init, update }`.
 * @example
 * ```ts
 * const plateau = reduceOnPlateau({ initialValue: 0.1, patience: 2 });
 * let state = plateau.init();
 * for (const loss of [1, 0.9, 0.9, 0.9, 0.9]) state = plateau.update(state, loss);
 * state.learningRate; // 0.01 (reduced on the third bad epoch)
 * const saved = JSON.stringify(reduceOnPlateauToJSON(state));
 * state = reduceOnPlateauFromJSON(saved); // continues exactly
 * ```
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions): ReduceOnPlateau {
  const name = 'reduceOnPlateau';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const mode = check.oneOf('mode', optional(options.mode, 'min'), ['min', 'max']);
  const factor = check.number('factor', optional(options.factor, 0.1), {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
    fix: 'factor multiplies the rate at each reduction, e.g. 0.1 or 0.5.',
  });
  const patience = check.integer('patience', optional(options.patience, 10), { min: 0 });
  const threshold = check.nonNegative('threshold', optional(options.threshold, 1e-4));
  const thresholdMode = check.oneOf('thresholdMode', optional(options.thresholdMode, 'relative'), [
    'relative',
    'absolute',
  ]);
  const cooldown = check.integer('cooldown', optional(options.cooldown, 0), { min: 0 });
  const minValue = check.nonNegative('minValue', optional(options.minValue, 0));
  const minimumChange = check.nonNegative('minimumChange', optional(options.minimumChange, 1e-8));

  // PyTorch's is_better, with `best === null` standing for ±inf.
  const isBetter = (value: number, best: number | null): boolean => {
    if (!Number.isFinite(value)) return false;
    if (best === null) return true;
    if (mode === 'min') {
      return thresholdMode === 'relative'
        ? value < best * (1 - threshold)
        : value < best - threshold;
    }
    return thresholdMode === 'relative' ? value > best * (1 + threshold) : value > best + threshold;
  };

  return {
    init: () => ({
      mode,
      learningRate: initialValue,
      best: null,
      badEpochs: 0,
      cooldownRemaining: 0,
      epochs: 0,
      reductions: 0,
    }),
    update(state, metric) {
      checkReduceOnPlateauState(name, state, mode, 'state');
      if (typeof metric !== 'number') {
        check.fail(
          'metric',
          metric,
          'a number',
          'Pass the monitored value, e.g. the validation loss.',
        );
      }
      let { best, badEpochs, cooldownRemaining, learningRate, reductions } = state;
      if (isBetter(metric, best)) {
        best = metric + 0; // -0 becomes 0, which JSON keeps
        badEpochs = 0;
      } else {
        badEpochs += 1;
      }
      if (cooldownRemaining > 0) {
        cooldownRemaining -= 1;
        badEpochs = 0;
      }
      if (badEpochs > patience) {
        const reduced = Math.max(learningRate * factor, minValue);
        if (learningRate - reduced > minimumChange) {
          learningRate = reduced;
          reductions += 1;
        }
        cooldownRemaining = cooldown;
        badEpochs = 0;
      }
      return {
        mode,
        learningRate,
        best,
        badEpochs,
        cooldownRemaining,
        epochs: state.epochs + 1,
        reductions,
      };
    },
  };
}

const FORMAT = 'trainkit.schedules.reduceOnPlateau' as const;

/** A serialized {@link ReduceOnPlateauState}, as {@link reduceOnPlateauToJSON} writes it. */
export interface ReduceOnPlateauJSON
  extends StateEnvelope<typeof FORMAT, 1>,
    ReduceOnPlateauState {}

function readFields(read: StateReader): ReduceOnPlateauState {
  const mode = read.oneOf('mode', ['min', 'max'] as const);
  const learningRate = read.number('learningRate', { min: 0 });
  const best = read.value('best') === null ? null : read.number('best');
  return {
    mode,
    learningRate,
    best,
    badEpochs: read.count('badEpochs'),
    cooldownRemaining: read.count('cooldownRemaining'),
    epochs: read.count('epochs'),
    reductions: read.count('reductions'),
  };
}

/**
 * Checks a state passed to `update` or to a callback against the options'
 * mode. Internal.
 */
export function checkReduceOnPlateauState(
  functionName: string,
  value: unknown,
  mode: 'min' | 'max',
  argument: string,
): ReduceOnPlateauState {
  const read = readState(functionName, value, {
    format: FORMAT,
    source: 'a state returned by init(), update() or reduceOnPlateauFromJSON()',
    argument,
  });
  const state = readFields(read);
  if (state.mode !== mode) {
    read.fail('mode', `'${mode}' (the mode of these options)`, state.mode);
  }
  return state;
}

/**
 * Serializes a plateau state in the versioned envelope
 * (`{ format: 'trainkit.schedules.reduceOnPlateau', version: 1, ...state }`).
 *
 * @param state - From `init()` or `update()`.
 * @returns A JSON-safe object.
 * @example
 * ```ts
 * writeFileSync('plateau.json', JSON.stringify(reduceOnPlateauToJSON(state)));
 * ```
 */
export function reduceOnPlateauToJSON(state: ReduceOnPlateauState): ReduceOnPlateauJSON {
  // A state from init() or update(); anything else is refused before it is written.
  readFields(
    readState('reduceOnPlateauToJSON', state, {
      format: FORMAT,
      source: 'a state returned by init(), update() or reduceOnPlateauFromJSON()',
    }),
  );
  return stateEnvelope(FORMAT, 1, {
    mode: state.mode,
    learningRate: state.learningRate,
    best: state.best,
    badEpochs: state.badEpochs,
    cooldownRemaining: state.cooldownRemaining,
    epochs: state.epochs,
    reductions: state.reductions,
  });
}

/**
 * Restores a state written by {@link reduceOnPlateauToJSON} (the object, its
 * JSON round trip or its JSON text). `update` then checks that its mode
 * matches the options.
 *
 * @param json - What {@link reduceOnPlateauToJSON} returned.
 * @returns The state.
 * @throws StateRestoreError naming the field when it is malformed or of another format or version.
 * @example
 * ```ts
 * const state = reduceOnPlateauFromJSON(readFileSync('plateau.json', 'utf8'));
 * ```
 */
export function reduceOnPlateauFromJSON(json: unknown): ReduceOnPlateauState {
  return readFields(
    readStateEnvelope('reduceOnPlateauFromJSON', json, {
      format: FORMAT,
      version: 1,
      writer: 'reduceOnPlateauToJSON',
    }),
  );
}
