import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@trainkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AccumulatorState,
  addMicroBatch,
  checkMicroBatch,
  closeGroup,
  completesGroup,
  countUpdate,
  initialAccumulatorState,
  skipMicroBatch,
} from './accumulation-state';

// The transitions of the accumulation record, on two variables with hand-computable gradients.
const disposables: { dispose(): void }[] = [];
afterEach(() => {
  for (const item of disposables.splice(0)) item.dispose();
});

function setup() {
  const a = tf.variable(tf.zeros([2]));
  const b = tf.variable(tf.zeros([1]));
  const inner = tf.train.sgd(1);
  disposables.push(a, b, inner);
  const grads = (x: number, y: number | null) => ({
    [a.name]: tf.tensor1d([x, 2 * x]),
    [b.name]: y === null ? (null as unknown as tf.Tensor) : tf.tensor1d([y]),
  });
  return { a, b, inner, grads };
}

/** Freezes a record so that a transition that changed it would throw. */
function frozen(state: AccumulatorState): AccumulatorState {
  return Object.freeze({ ...state, accumulators: Object.freeze([...state.accumulators]) });
}

describe('accumulation state transitions', () => {
  it('add, add, close: the sample-weighted mean, without changing any record given', () => {
    const { a, b, inner, grads } = setup();
    const g1 = grads(1, 3);
    const g2 = grads(4, null);
    const s0 = frozen(initialAccumulatorState(inner));
    expect(s0).toMatchObject({ gradientStep: 0, miniStep: 0, variableNames: null });
    const s1 = frozen(addMicroBatch(s0, checkMicroBatch('t', s0, g1, 2)));
    expect(s1).toMatchObject({
      miniStep: 1,
      sampleCount: 2,
      firstSampleCount: 2,
      variableNames: [a.name, b.name],
      slotShapes: [[2], [1]],
    });
    // The last micro-batch (weight 6/2 = 3 relative to the first) goes straight into the mean.
    const last = checkMicroBatch('t', s1, g2, 6);
    expect(completesGroup(s1, 2)).toBe(true);
    const { state, gradients, owned } = closeGroup('t', s1, last, undefined);
    expect(state).toMatchObject({ miniStep: 0, sampleCount: 0, accumulators: [], gradientStep: 0 });
    // (2·g1 + 6·g2) / 8 per variable; b has no gradient in g2: (2·3) / 8.
    expect(gradients.map((g) => g.name)).toEqual([a.name, b.name]);
    expect(Array.from(gradients[0]!.tensor.dataSync())).toEqual([(2 + 24) / 8, (4 + 48) / 8]);
    expect(Array.from(gradients[1]!.tensor.dataSync())).toEqual([6 / 8]);
    inner.applyGradients(gradients);
    tf.dispose(owned);
    expect(countUpdate(state).gradientStep).toBe(1);
    expect(Array.from(a.dataSync())).toEqual([-(2 + 24) / 8, -(4 + 48) / 8]);
    tf.dispose([...Object.values(g1), g2[a.name]!]);
  });

  it('a group of one with weight 1 passes the gradient through unchanged (k = 1 bit for bit)', () => {
    const { a, inner } = setup();
    const g = { [a.name]: tf.tensor1d([0.1, 0.7]) };
    const s0 = initialAccumulatorState(inner);
    const { gradients, owned } = closeGroup('t', s0, checkMicroBatch('t', s0, g, 32), undefined);
    expect(gradients[0]!.tensor).toBe(g[a.name]);
    expect(owned).toEqual([]);
    tf.dispose(Object.values(g));
  });

  it('clips the mean to the global norm once', () => {
    const { a, b, inner, grads } = setup();
    const g = grads(1, 2); // [1, 2] and [2]: norm 3
    const s0 = initialAccumulatorState(inner);
    const { gradients, owned } = closeGroup('t', s0, checkMicroBatch('t', s0, g, 1), 1.5);
    expect(Array.from(gradients[0]!.tensor.dataSync())).toEqual([0.5, 1]);
    expect(Array.from(gradients[1]!.tensor.dataSync())).toEqual([1]);
    expect(owned).toHaveLength(2);
    tf.dispose([...owned, ...Object.values(g)]);
    expect([a, b].every((v) => !v.isDisposed)).toBe(true);
  });

  it('skip counts only; a restored partial group cannot close before a micro-batch binds it', () => {
    const { inner } = setup();
    const s0 = frozen(initialAccumulatorState(inner));
    expect(skipMicroBatch(s0)).toEqual({ ...s0, skippedMicroBatches: 1 });
    const restored = frozen({
      ...s0,
      miniStep: 2,
      sampleCount: 16,
      firstSampleCount: 8,
      slotShapes: [[2]],
    });
    const close = () => closeGroup('AccumulatingOptimizer.flush', restored, null, undefined);
    expect(close).toThrow(InvalidArgumentError);
    expect(close).toThrow('restored micro-batches must be matched');
  });

  it('the transitions keep the tensor count flat: each consumes the record it is given', () => {
    const { inner, grads } = setup();
    let state = initialAccumulatorState(inner);
    const baseline = tf.memory().numTensors;
    for (let step = 0; step < 30; step++) {
      const g = grads(step, step % 3 === 0 ? null : 1);
      const batch = checkMicroBatch('t', state, g, 1 + (step % 4));
      if (completesGroup(state, 3)) {
        const closed = closeGroup('t', state, batch, 1);
        inner.applyGradients(closed.gradients);
        tf.dispose(closed.owned);
        state = countUpdate(closed.state);
      } else {
        state = addMicroBatch(state, batch);
      }
      tf.dispose(Object.values(g).filter((t) => t !== null));
      if (state.miniStep === 0) expect(tf.memory().numTensors).toBe(baseline);
    }
    expect(state.gradientStep).toBe(10);
  });
});
