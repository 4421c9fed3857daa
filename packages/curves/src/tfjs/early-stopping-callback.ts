import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import { CustomCallback, type LayersModel, type Logs } from '@tensorflow/tfjs-layers';
import { checkArguments } from '@trainkit/core';
import {
  checkEarlyStoppingState,
  type EarlyStoppingOptions,
  type EarlyStoppingState,
  earlyStopping,
} from '../early-stopping';

/** Options of {@link earlyStoppingCallback}. */
export interface EarlyStoppingCallbackOptions extends EarlyStoppingOptions {
  /** The epoch-log key to watch. Default `'val_loss'` (needs validation data in `fit`). */
  readonly monitor?: string;
  /**
   * `'min'` or `'max'`. Default: `'max'` when `monitor` names an accuracy-like
   * metric (contains `acc`, `auc`, `precision`, `recall` or `f1`), else `'min'`.
   */
  readonly mode?: 'min' | 'max';
  /**
   * Keep a copy of the weights of the best epoch and put them back into the
   * model when training ends (Keras `restore_best_weights`; tfjs' own
   * `tf.callbacks.earlyStopping` cannot). Default `false`.
   */
  readonly restoreBestWeights?: boolean;
  /**
   * A state to continue from (e.g. `earlyStoppingFromJSON` of a checkpoint's
   * copy of `callback.state`); checked at construction. The weight snapshot is
   * not part of it: after a resume, only epochs that improve on the saved best
   * can be restored.
   */
  readonly state?: EarlyStoppingState;
  /** Receives one line when training is stopped and when weights are restored. Default: silent. */
  readonly log?: (text: string) => void;
}

/** The callback returned by {@link earlyStoppingCallback}. */
export interface EarlyStoppingCallback extends CustomCallback {
  /** The current state (JSON-serializable): best value and epoch, wait, stopped epoch. */
  readonly state: EarlyStoppingState;
  /** Whether a weight snapshot is currently held. */
  readonly hasSnapshot: boolean;
  /**
   * Frees the weight snapshot without restoring it. Called automatically at
   * the end of training; call it yourself if `fit` threw.
   */
  dispose(): void;
}

const maxLikeMetric = /acc|auc|precision|recall|f1/i;

/**
 * A `model.fit` callback for early stopping with an optional restore of the
 * best weights, over the pure {@link earlyStopping} state machine (Keras 3
 * semantics: patience, minDelta, min/max mode, baseline, startFromEpoch; NaN
 * stops at once).
 *
 * At the end of each epoch it reads `logs[monitor]`, updates the state and
 * sets `model.stopTraining = true` when the state machine says so. With
 * `restoreBestWeights`, whenever an epoch improves it clones
 * `model.getWeights()` (clones share the data until the optimizer replaces
 * it, so a snapshot costs no copy at first) and disposes the previous
 * snapshot; when training ends (stopped early or not) it calls
 * `model.setWeights(snapshot)` and disposes the snapshot. No tensor outlives
 * the callback.
 *
 * @param options - {@link EarlyStoppingCallbackOptions}
 * @returns A `tf.CustomCallback` with `state` and `dispose()`.
 * @throws InvalidArgumentError for bad options; at the first epoch end, when
 *   `monitor` is missing from the logs (it names the keys that exist).
 * @example
 * ```ts
 * const stopper = earlyStoppingCallback({ patience: 3, restoreBestWeights: true });
 * await model.fit(x, y, { epochs: 100, validationData: [xVal, yVal], callbacks: [stopper] });
 * stopper.state.bestEpoch; // the model now holds that epoch's weights
 * ```
 */
export function earlyStoppingCallback(
  options: EarlyStoppingCallbackOptions = {},
): EarlyStoppingCallback {
  const check = checkArguments('earlyStoppingCallback');
  options = check.options('options', options, "{ monitor: 'val_loss', patience: 5 }");
  const monitor = options.monitor ?? 'val_loss';
  if (typeof monitor !== 'string' || monitor === '') {
    check.fail('monitor', monitor, 'a non-empty string', "e.g. 'val_loss' or 'val_acc'.");
  }
  const mode = options.mode ?? (maxLikeMetric.test(monitor) ? 'max' : 'min');
  const machine = earlyStopping({ ...options, mode });
  const restore =
    options.restoreBestWeights === undefined
      ? false
      : check.boolean('restoreBestWeights', options.restoreBestWeights);
  const log =
    options.log === undefined
      ? undefined
      : check.callable<(text: string) => void>('log', options.log);
  let state =
    options.state === undefined
      ? machine.init()
      : checkEarlyStoppingState('earlyStoppingCallback', options.state, 'state');
  let model: LayersModel | undefined;
  let snapshot: Tensor[] | undefined;
  let snapshotEpoch: number | undefined;

  const dispose = () => {
    if (snapshot !== undefined) for (const tensor of snapshot) tensor.dispose();
    snapshot = undefined;
    snapshotEpoch = undefined;
  };

  const callback = new CustomCallback({
    onEpochEnd: (epoch: number, logs?: Logs) => {
      const value = logs?.[monitor];
      if (typeof value !== 'number') {
        check.fail(
          `logs['${monitor}']`,
          value,
          'a number in the epoch logs',
          `The logs have ${Object.keys(logs ?? {}).join(', ') || 'nothing'}; pass validationData or validationSplit to fit(), or set monitor.`,
        );
      }
      const step = machine.update(state, value as number);
      state = step.state;
      if (step.improved && restore && model !== undefined) {
        const weights = model.getWeights();
        const copies = tidy(() => weights.map((w) => w.clone()));
        dispose();
        snapshot = copies;
        snapshotEpoch = epoch;
      }
      if (step.shouldStop && model !== undefined && !model.stopTraining) {
        model.stopTraining = true;
        log?.(
          `earlyStoppingCallback: stopping at epoch ${epoch} (${step.reason === 'non-finite' ? `${monitor} is ${value}` : `no improvement of ${monitor} for ${state.wait} epochs`}; best ${state.best} at epoch ${state.bestEpoch}).`,
        );
      }
    },
    onTrainEnd: () => {
      if (restore && snapshot !== undefined && model !== undefined) {
        model.setWeights(snapshot);
        log?.(`earlyStoppingCallback: restored the weights of epoch ${snapshotEpoch}.`);
      }
      dispose();
    },
  });
  const setModel = callback.setModel.bind(callback);
  callback.setModel = (container) => {
    setModel(container);
    model = container as LayersModel;
  };
  return Object.defineProperties(callback, {
    state: { get: () => state, enumerable: true },
    hasSnapshot: { get: () => snapshot !== undefined, enumerable: true },
    dispose: { value: dispose },
  }) as EarlyStoppingCallback;
}
