// Issue 11, "One step unit": with an AccumulatingOptimizer (k = 2) the schedules counted
// optimizer updates while the curves history and the TensorBoard batch steps counted
// micro-batches (1600 against 800 in one run). Every step counter must agree.

import { describe, expect, it } from 'vitest';
import { callbackNames, fitWithEveryCallback } from './every-callback';

describe('one step unit in a real model.fit with k = 2', () => {
  it('schedule steps, curves iterations, TensorBoard steps and profiler iterations agree', async () => {
    // 396 samples in micro-batches of 4: 99 per epoch, so 49 pairs and the flushed last one.
    const epochs = 2;
    const result = await fitWithEveryCallback(callbackNames, {
      k: 2,
      samples: 396,
      batchSize: 4,
      epochs,
    });
    const updates = 50 * epochs;
    const steps = Array.from({ length: updates }, (_, i) => i);
    expect(result.updates).toBe(updates);
    // The schedule is asked once per micro-batch, for the updates applied so far.
    expect([...new Set(result.scheduledSteps)]).toEqual(steps);
    expect(result.scheduledSteps).toHaveLength(99 * epochs);
    expect(result.curves.train.iterations).toEqual(steps);
    expect(result.curves.validation.iterations).toEqual([50, 100]);
    expect(result.tensorboard.train?.batch_loss?.map(([step]) => step)).toEqual(steps);
    expect(result.profiledIterations).toBe(updates);
    expect(result.profiledSamples).toBe(396 * epochs);
    expect(result.leakedTensors).toBe(0);
  });
});
