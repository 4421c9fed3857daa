// Issue 11, "Callbacks that compose in any order": tfjs-layers looks at callbacks[0] to
// decide whether to wrap the list; every trainkit factory must return a real tf callback so
// that any order works. One fit per order: each callback first, each last, three shuffles.

import { describe, expect, it } from 'vitest';
import {
  batchSchedule,
  type CallbackName,
  callbackNames,
  type EveryCallbackResult,
  epochSchedule,
  fitWithEveryCallback,
  isTfjsCallback,
  shuffled,
} from './every-callback';

// 40 samples in micro-batches of 8: 5 per epoch; k = 2 with the epoch-end flush gives
// 3 updates per epoch (2 groups of 2, then the last micro-batch alone).
const options = { k: 2, samples: 40, batchSize: 8, epochs: 3 } as const;
const updatesPerEpoch = 3;
const updates = options.epochs * updatesPerEpoch;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function orders(): [string, CallbackName[]][] {
  const cases: [string, CallbackName[]][] = [];
  for (const name of callbackNames) {
    const rest = callbackNames.filter((other) => other !== name);
    cases.push([`${name} first`, [name, ...rest]]);
    cases.push([`${name} last`, [...rest, name]]);
  }
  for (const seed of [1, 2, 3])
    cases.push([`shuffled (seed ${seed})`, shuffled(callbackNames, seed)]);
  return cases;
}

/** The expected effects, computed from the schedule and the step counts by hand. */
function checkEffects(result: EveryCallbackResult): void {
  // Accumulation applied: 3 updates per epoch (without the callback, groups would run
  // across epochs: 15 micro-batches / 2 = 7 updates, one micro-batch pending).
  expect(result.updates).toBe(updates);
  expect(result.pendingMicroBatches).toBe(0);
  // The batch scheduler asks for the step (updates applied so far) before every micro-batch.
  expect(result.scheduledSteps).toEqual(
    range(options.epochs).flatMap((epoch) =>
      [0, 0, 1, 1, 2].map((inEpoch) => epoch * updatesPerEpoch + inEpoch),
    ),
  );
  // Learning rates written into the epoch logs.
  expect(result.fitHistory.lr_batch).toEqual([2, 5, 8].map((step) => batchSchedule(step)));
  expect(result.fitHistory.lr_epoch).toEqual(range(options.epochs).map(epochSchedule));
  expect(result.fitHistory.lr_plateau).toEqual(result.fitHistory.lr_batch);
  expect(result.fitHistory.val_loss).toHaveLength(options.epochs);
  // Curves history: one training point per update, validation at the end of each epoch.
  expect(result.curves.train.iterations).toEqual(range(updates));
  expect(result.curves.validation.iterations).toEqual([3, 6, 9]);
  expect(result.curves.validation.values).toEqual(result.fitHistory.val_loss);
  expect(result.curves.epochs).toEqual([0, 1, 2]);
  // TensorBoard events: batch scalars per update, epoch scalars per epoch, one histogram
  // event per weight and epoch (4 weights).
  expect(result.tensorboard.train?.batch_loss?.map(([step]) => step)).toEqual(range(updates));
  expect(result.tensorboard.train?.epoch_loss?.map(([step]) => step)).toEqual([0, 1, 2]);
  expect(result.tensorboard.validation?.epoch_loss?.map(([, value]) => value)).toEqual(
    result.fitHistory.val_loss!.map((value) => Math.fround(value)),
  );
  expect(result.histogramEvents).toBe(4 * options.epochs);
  // Profiler: one iteration per update, every sample counted once.
  expect(result.profiledIterations).toBe(updates);
  expect(result.profiledSamples).toBe(options.samples * options.epochs);
  expect(result.bestEpoch).toBeGreaterThanOrEqual(0);
  expect(result.leakedTensors).toBe(0);
}

describe('every trainkit callback plus tf.callbacks.earlyStopping in one model.fit', () => {
  let reference: EveryCallbackResult | undefined;

  it('in the listed order: the expected effects; every factory returns a tf callback instance', async () => {
    let callbacks: Record<string, unknown> = {};
    reference = await fitWithEveryCallback(callbackNames, {
      ...options,
      inspect: (given) => {
        callbacks = given;
      },
    });
    checkEffects(reference);
    expect(Object.keys(callbacks)).toEqual([...callbackNames]);
    for (const [name, callback] of Object.entries(callbacks)) {
      expect(isTfjsCallback(callback), `${name} is a tf.CustomCallback or tf.Callback`).toBe(true);
    }
  });

  for (const [name, order] of orders()) {
    it(`${name}: the same effects and weights`, async () => {
      const result = await fitWithEveryCallback(order, options);
      checkEffects(result);
      expect(reference, 'the listed order ran first').toBeDefined();
      // Everything the order must not change, bit for bit.
      const { leakedTensors: _, ...same } = result;
      const { leakedTensors: __, ...expected } = reference!;
      expect(same).toEqual(expected);
    });
  }
});
