import { describe, expect, it } from 'vitest';
import { accumulatedUpdates, createFitStepCounter } from './fit-steps';

/** The shape of an accumulating optimizer: `iterations` counts updates, `state.miniStep` waits. */
function accumulating(k: number) {
  let microBatches = 0;
  return {
    iterations: 0,
    get state() {
      return { updateCount: this.iterations, miniStep: microBatches % k };
    },
    /** What fit's train step does: one micro-batch, an update every k. */
    step(): void {
      microBatches++;
      if (microBatches % k === 0) this.iterations++;
    },
    flush(): void {
      if (microBatches % k !== 0) {
        microBatches = 0;
        this.iterations++;
      }
    },
  };
}

describe('accumulatedUpdates', () => {
  it('is the update count of an optimizer with iterations and state.miniStep', () => {
    expect(accumulatedUpdates({ iterations: 7, state: { miniStep: 1 } })).toBe(7);
    expect(accumulatedUpdates(accumulating(2))).toBe(0);
  });

  it('is undefined for other optimizers and values', () => {
    expect(accumulatedUpdates({ iterations: 7 })).toBeUndefined(); // a plain tf optimizer
    expect(accumulatedUpdates({ iterations: 7, state: {} })).toBeUndefined();
    expect(accumulatedUpdates({ iterations: 7, state: { miniStep: '1' } })).toBeUndefined();
    expect(accumulatedUpdates({ iterations: '7', state: { miniStep: 1 } })).toBeUndefined();
    expect(accumulatedUpdates({ iterations: 7, state: null })).toBeUndefined();
    expect(accumulatedUpdates(undefined)).toBeUndefined();
    expect(accumulatedUpdates(null)).toBeUndefined();
    expect(accumulatedUpdates(3)).toBeUndefined();
  });
});

describe('createFitStepCounter', () => {
  it('without accumulation: every batch is one update and its logs pass through exactly', () => {
    const counter = createFitStepCounter();
    const optimizer = { iterations: 0 };
    counter.start(optimizer);
    const values = [0.1, 1 / 3, 0.7];
    const updates = values.map((loss, batch) =>
      counter.batchEnd(optimizer, { batch, size: 3, loss, acc: loss / 7 }),
    );
    expect(updates).toEqual(
      values.map((loss, step) => ({
        step,
        logs: { loss, acc: loss / 7 },
        samples: 3,
        microBatches: 1,
      })),
    );
    expect(counter.step).toBe(3);
    expect(counter.pendingMicroBatches).toBe(0);
  });

  it('with k = 2: one update per two micro-batches, logs as the sample-weighted mean', () => {
    const counter = createFitStepCounter();
    const optimizer = accumulating(2);
    counter.start(optimizer);
    optimizer.step();
    expect(counter.batchEnd(optimizer, { batch: 0, size: 8, loss: 1 })).toBeUndefined();
    expect(counter.pendingMicroBatches).toBe(1);
    expect(counter.step).toBe(0);
    optimizer.step();
    // (8·1 + 4·4) / 12 = 2
    expect(counter.batchEnd(optimizer, { batch: 1, size: 4, loss: 4 })).toEqual({
      step: 0,
      logs: { loss: 2 },
      samples: 12,
      microBatches: 2,
    });
    expect(counter.step).toBe(1);
    optimizer.step();
    expect(counter.batchEnd(optimizer, { batch: 2, size: 2, loss: 3 })).toBeUndefined();
    // Nothing applied yet: sync keeps waiting.
    expect(counter.sync(optimizer)).toBeUndefined();
    // An epoch-end flush applied the partial group: sync completes it.
    optimizer.flush();
    expect(counter.sync(optimizer)).toEqual({
      step: 1,
      logs: { loss: 3 },
      samples: 2,
      microBatches: 1,
    });
    expect(counter.step).toBe(2);
    expect(counter.sync(optimizer)).toBeUndefined();
  });

  it('starts at a given step (a continued history) and restarts on start()', () => {
    const counter = createFitStepCounter();
    const optimizer = accumulating(3);
    counter.start(optimizer, 10);
    const steps: number[] = [];
    for (let batch = 0; batch < 9; batch++) {
      optimizer.step();
      const update = counter.batchEnd(optimizer, { batch, size: 1, loss: batch });
      if (update !== undefined) {
        steps.push(update.step);
        expect(update.logs.loss).toBe(batch - 1); // mean of batch-2, batch-1, batch
      }
    }
    expect(steps).toEqual([10, 11, 12]);
    counter.start(optimizer);
    optimizer.step();
    expect(counter.batchEnd(optimizer, { size: 1, loss: 0 })).toBeUndefined();
    expect(counter.step).toBe(0);
  });

  it('counts a micro-batch without a size as one sample and skips non-numeric logs', () => {
    const counter = createFitStepCounter();
    const optimizer = accumulating(2);
    counter.start(optimizer);
    optimizer.step();
    counter.batchEnd(optimizer, { loss: 1, note: 'x' });
    optimizer.step();
    expect(counter.batchEnd(optimizer, { loss: 2, size: Number.NaN })).toEqual({
      step: 0,
      logs: { loss: 1.5 },
      samples: 2,
      microBatches: 2,
    });
  });
});
