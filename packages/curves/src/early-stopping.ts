import {
  checkArguments,
  readState,
  readStateEnvelope,
  type StateEnvelope,
  type StateReader,
  stateEnvelope,
} from '@trainkit/core';

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /**
   * Number of epochs without improvement to tolerate; training stops at the
   * first epoch after which `patience` consecutive epochs did not improve
   * (`patience: 0` stops at the first epoch that does not improve). Default 0,
   * as Keras and `tf.callbacks.earlyStopping`.
   */
  readonly patience?: number;
  /** An improvement must beat the best by more than this (>= 0). Default 0. */
  readonly minDelta?: number;
  /** `'min'` for losses (default), `'max'` for accuracies. */
  readonly mode?: 'min' | 'max';
  /**
   * A value the monitored quantity must beat: an improvement that does not
   * also beat the baseline does not reset the patience counter (Keras 3).
   */
  readonly baseline?: number;
  /** Ignore epochs before this one (warm-up). Default 0. */
  readonly startFromEpoch?: number;
  /**
   * Stop at once when the monitored value is NaN or infinite (PyTorch
   * Lightning's `check_finite`). Default `true`.
   */
  readonly stopOnNonFinite?: boolean;
}

/** The explicit, JSON-serializable state of early stopping. */
export interface EarlyStoppingState {
  /** Index of the next epoch (number of values seen). */
  readonly epoch: number;
  /** Best value so far, `null` before the first finite one. */
  readonly best: number | null;
  /** Epoch of the best value, `null` before the first. */
  readonly bestEpoch: number | null;
  /** Consecutive epochs without an improvement (that also beats the baseline). */
  readonly wait: number;
  /** The epoch at which stopping was first requested, `null` while running. */
  readonly stoppedEpoch: number | null;
  /** Why stopping was requested, `null` while running. */
  readonly stopReason: 'patience' | 'non-finite' | null;
}

/** What one {@link EarlyStopping.update} decided. */
export interface EarlyStoppingUpdate {
  /** The new state (the old one is not modified). */
  readonly state: EarlyStoppingState;
  /** This epoch's value is the new best: snapshot the weights now. */
  readonly improved: boolean;
  /** Stop training now (stays true once requested). */
  readonly shouldStop: boolean;
  /** Why training should stop, `undefined` while it should not. */
  readonly reason: 'patience' | 'non-finite' | undefined;
}

/** Resolved options plus the two pure functions of the state machine. */
export interface EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly startFromEpoch: number;
  readonly stopOnNonFinite: boolean;
  /** The state before the first epoch. */
  init(): EarlyStoppingState;
  /** Feeds one epoch's monitored value; returns the new state and the decision. */
  update(state: EarlyStoppingState, value: number): EarlyStoppingUpdate;
}

/**
 * Early stopping as a pure state machine (optax style: a factory validates
 * the options once; the state is a plain object the caller carries), with
 * Keras 3 semantics:
 *
 * 1. epochs before `startFromEpoch` are ignored;
 * 2. a non-finite value stops at once when `stopOnNonFinite` (default);
 * 3. `wait += 1`; the value improves when `value < best - minDelta` (`'min'`)
 *    or `value > best + minDelta` (`'max'`), and any finite value improves on
 *    "no best yet". On improvement: `best = value`, and `wait = 0` if the
 *    value also beats `baseline` (when given); then this epoch cannot stop;
 * 4. otherwise stop when `wait >= patience` (never at epoch 0).
 *
 * The tfjs `model.fit` callback {@link earlyStoppingCallback} (from
 * `@trainkit/curves/tfjs`) wraps this and can restore the best weights.
 *
 * @param options - patience (0), minDelta (0), mode ('min'), baseline, startFromEpoch (0), stopOnNonFinite (true).
 * @returns `{ init, update }` and the resolved options.
 * @throws InvalidArgumentError for a negative patience or minDelta, an unknown mode, a non-finite baseline.
 * @example
 * ```ts
 * const stopper = earlyStopping({ patience: 2, minDelta: 1e-3 });
 * let state = stopper.init();
 * for (const valLoss of [0.9, 0.7, 0.71, 0.7, 0.72]) {
 *   const step = stopper.update(state, valLoss);
 *   state = step.state;
 *   if (step.shouldStop) break; // stops after the 4th value (epoch 3), best 0.7 at epoch 1
 * }
 * ```
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const check = checkArguments('earlyStopping');
  options = check.options('options', options, '{ patience: 5 }');
  const patience =
    options.patience === undefined ? 0 : check.integer('patience', options.patience, { min: 0 });
  const minDelta =
    options.minDelta === undefined ? 0 : check.nonNegative('minDelta', options.minDelta);
  const mode =
    options.mode === undefined ? 'min' : check.oneOf('mode', options.mode, ['min', 'max'] as const);
  const baseline =
    options.baseline === undefined ? undefined : check.finite('baseline', options.baseline);
  const startFromEpoch =
    options.startFromEpoch === undefined
      ? 0
      : check.integer('startFromEpoch', options.startFromEpoch, { min: 0 });
  const stopOnNonFinite =
    options.stopOnNonFinite === undefined
      ? true
      : check.boolean('stopOnNonFinite', options.stopOnNonFinite);

  const beats = (value: number, reference: number): boolean =>
    mode === 'min' ? value < reference - minDelta : value > reference + minDelta;

  return {
    patience,
    minDelta,
    mode,
    baseline,
    startFromEpoch,
    stopOnNonFinite,
    init: () => ({
      epoch: 0,
      best: null,
      bestEpoch: null,
      wait: 0,
      stoppedEpoch: null,
      stopReason: null,
    }),
    update(state, value) {
      checkEarlyStoppingState('earlyStopping.update', state, 'state');
      if (typeof value !== 'number') {
        checkArguments('earlyStopping.update').fail('value', value, 'a number');
      }
      const epoch = state.epoch;
      const decide = (
        next: EarlyStoppingState,
        improved: boolean,
        stop: EarlyStoppingState['stopReason'],
      ): EarlyStoppingUpdate => {
        // Once stopping was requested it stays requested, with its first reason.
        const stopReason = state.stopReason ?? stop;
        const stoppedEpoch = state.stoppedEpoch ?? (stop === null ? null : epoch);
        const final = { ...next, stoppedEpoch, stopReason };
        return {
          state: final,
          improved,
          shouldStop: stopReason !== null,
          reason: stopReason ?? undefined,
        };
      };
      if (epoch < startFromEpoch) return decide({ ...state, epoch: epoch + 1 }, false, null);
      const wait = state.wait + 1;
      if (!Number.isFinite(value) && stopOnNonFinite) {
        return decide({ ...state, epoch: epoch + 1, wait }, false, 'non-finite');
      }
      if (Number.isFinite(value) && (state.best === null || beats(value, state.best))) {
        const resetWait = baseline === undefined || beats(value, baseline);
        return decide(
          { ...state, epoch: epoch + 1, best: value, bestEpoch: epoch, wait: resetWait ? 0 : wait },
          true,
          null,
        );
      }
      const stop = wait >= patience && epoch > 0 ? 'patience' : null;
      return decide({ ...state, epoch: epoch + 1, wait }, false, stop);
    },
  };
}

const FORMAT = 'trainkit.curves.earlyStopping' as const;

/** A serialized {@link EarlyStoppingState}, as {@link earlyStoppingToJSON} writes it. */
export interface EarlyStoppingJSON extends StateEnvelope<typeof FORMAT, 1>, EarlyStoppingState {}

function readFields(read: StateReader): EarlyStoppingState {
  const countOrNull = (field: string): number | null =>
    read.value(field) === null ? null : read.count(field);
  const best = read.value('best');
  if (best !== null && (typeof best !== 'number' || !Number.isFinite(best))) {
    read.fail('best', 'a finite number or null', best);
  }
  const stopReason = read.value('stopReason');
  if (stopReason !== null && stopReason !== 'patience' && stopReason !== 'non-finite') {
    read.fail('stopReason', '"patience", "non-finite" or null', stopReason);
  }
  return {
    epoch: read.count('epoch'),
    best: best as number | null,
    bestEpoch: countOrNull('bestEpoch'),
    wait: read.count('wait'),
    stoppedEpoch: countOrNull('stoppedEpoch'),
    stopReason: stopReason as EarlyStoppingState['stopReason'],
  };
}

/**
 * Serializes an early-stopping state in the versioned envelope
 * (`{ format: 'trainkit.curves.earlyStopping', version: 1, ...state }`).
 *
 * @param state - From `init()`, `update()` or a callback's `state`.
 * @returns A JSON-safe object.
 * @example
 * ```ts
 * const saved = JSON.stringify(earlyStoppingToJSON(step.state));
 * ```
 */
export function earlyStoppingToJSON(state: EarlyStoppingState): EarlyStoppingJSON {
  checkEarlyStoppingState('earlyStoppingToJSON', state, 'state');
  return stateEnvelope(FORMAT, 1, {
    epoch: state.epoch,
    best: state.best,
    bestEpoch: state.bestEpoch,
    wait: state.wait,
    stoppedEpoch: state.stoppedEpoch,
    stopReason: state.stopReason,
  });
}

/**
 * Restores a state written by {@link earlyStoppingToJSON} (the object, its
 * JSON round trip or its JSON text) so that a resumed run continues exactly
 * where it stopped.
 *
 * @param json - What {@link earlyStoppingToJSON} returned.
 * @returns The state.
 * @throws StateRestoreError naming the field when a field is missing or has the wrong type.
 * @example
 * ```ts
 * const state = earlyStoppingFromJSON(JSON.parse(text));
 * ```
 */
export function earlyStoppingFromJSON(json: unknown): EarlyStoppingState {
  return readFields(
    readStateEnvelope('earlyStoppingFromJSON', json, {
      format: FORMAT,
      version: 1,
      writer: 'earlyStoppingToJSON',
    }),
  );
}

/**
 * Checks an in-memory state passed to a function (e.g. the callback's
 * `state`). Internal.
 */
export function checkEarlyStoppingState(
  functionName: string,
  state: unknown,
  argument: string,
): EarlyStoppingState {
  return readFields(
    readState(functionName, state, {
      format: FORMAT,
      source: "a state returned by init(), update(), a callback's state or earlyStoppingFromJSON()",
      argument,
    }),
  );
}
