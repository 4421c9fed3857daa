import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  checkEarlyStoppingState,
  type EarlyStopping,
  earlyStopping,
  earlyStoppingFromJSON,
  earlyStoppingToJSON,
} from './early-stopping';

function run(stopper: EarlyStopping, values: number[]) {
  let state = stopper.init();
  const trace: { improved: boolean; shouldStop: boolean }[] = [];
  for (const value of values) {
    const step = stopper.update(state, value);
    state = step.state;
    trace.push({ improved: step.improved, shouldStop: step.shouldStop });
    if (step.shouldStop) break;
  }
  return { state, trace };
}

describe('earlyStopping', () => {
  it('documented example: patience 2, minDelta 1e-3 stops at epoch 3 with best 0.7 at epoch 1', () => {
    const { state, trace } = run(
      earlyStopping({ patience: 2, minDelta: 1e-3 }),
      [0.9, 0.7, 0.71, 0.7, 0.72],
    );
    expect(trace.map((t) => t.improved)).toEqual([true, true, false, false]);
    expect(state).toEqual({
      epoch: 4,
      best: 0.7,
      bestEpoch: 1,
      wait: 2,
      stoppedEpoch: 3,
      stopReason: 'patience',
    });
  });

  it('an improvement must beat the best strictly, by more than minDelta (Keras, PyTorch Lightning)', () => {
    // Equal to the best is no improvement: a plateau at exactly the same value runs out the patience.
    const plateau = run(earlyStopping({ patience: 2 }), [1, 1, 1, 1]);
    expect(plateau.trace.map((t) => t.improved)).toEqual([true, false, false]);
    expect(plateau.state).toMatchObject({ best: 1, bestEpoch: 0, wait: 2, stoppedEpoch: 2 });
    // Exactly minDelta below the best (0.25 is exact in binary) is no improvement either.
    const boundary = run(earlyStopping({ patience: 1, minDelta: 0.25 }), [1, 0.75, 0.5]);
    expect(boundary.trace.map((t) => t.improved)).toEqual([true, false]);
    expect(boundary.state).toMatchObject({ best: 1, stoppedEpoch: 1, stopReason: 'patience' });
    // Beyond it is.
    const beyond = run(earlyStopping({ patience: 1, minDelta: 0.25 }), [1, 0.7499, 0.5]);
    expect(beyond.trace.map((t) => t.improved)).toEqual([true, true, false]);
    // Max mode: exactly best + minDelta is no improvement, equal values neither.
    const max = run(earlyStopping({ patience: 1, minDelta: 0.25, mode: 'max' }), [1, 1.25]);
    expect(max.trace.map((t) => t.improved)).toEqual([true, false]);
    const maxPlateau = run(earlyStopping({ patience: 1, mode: 'max' }), [0.5, 0.5]);
    expect(maxPlateau.trace.map((t) => t.improved)).toEqual([true, false]);
    // A baseline is beaten only strictly too: equal to it does not reset the wait.
    const baseline = run(earlyStopping({ patience: 2, baseline: 0.5 }), [0.5, 0.4]);
    expect(baseline.state).toMatchObject({ best: 0.4, wait: 0 });
    expect(run(earlyStopping({ patience: 3, baseline: 0.5 }), [0.5]).state.wait).toBe(1);
  });

  it('patience 0 stops at the first epoch that does not improve (Keras / tfjs default)', () => {
    const { state } = run(earlyStopping(), [3, 2, 2.5, 1]);
    expect(state.stoppedEpoch).toBe(2);
    expect(state.bestEpoch).toBe(1);
  });

  it('max mode mirrors min mode on negated values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, patience, minDelta) => {
          const min = run(earlyStopping({ patience, minDelta, mode: 'min', baseline: 1 }), values);
          const max = run(
            earlyStopping({ patience, minDelta, mode: 'max', baseline: -1 }),
            values.map((v) => -v),
          );
          expect(max.trace).toEqual(min.trace);
          expect(max.state.bestEpoch).toBe(min.state.bestEpoch);
          expect(max.state.stoppedEpoch).toBe(min.state.stoppedEpoch);
        },
      ),
    );
  });

  it('a baseline that is never beaten lets patience run out (Keras 3)', () => {
    // Improvements 1.0 -> 0.9 -> 0.85 do not beat 0.5, so wait grows, but an improving epoch never stops.
    const stopper = earlyStopping({ patience: 1, baseline: 0.5 });
    const { state } = run(stopper, [1, 0.9, 0.95, 0.85]);
    expect(state.stoppedEpoch).toBe(2);
    expect(state.best).toBe(0.9);
    expect(state.wait).toBe(3);
    // Beating the baseline resets the counter.
    expect(run(stopper, [1, 0.4, 0.45]).state).toMatchObject({ wait: 1, stoppedEpoch: 2 });
    expect(run(stopper, [1, 0.4, 0.3]).state).toMatchObject({ wait: 0, stoppedEpoch: null });
  });

  it('ignores warm-up epochs and stops on NaN unless told not to', () => {
    const warm = run(earlyStopping({ startFromEpoch: 2 }), [5, 6, 7, 8]);
    expect(warm.state).toMatchObject({ bestEpoch: 2, best: 7, stoppedEpoch: 3 });
    const nan = run(earlyStopping({ patience: 5 }), [1, Number.NaN, 0.5]);
    expect(nan.state).toMatchObject({ stoppedEpoch: 1, stopReason: 'non-finite', best: 1 });
    const tolerant = run(earlyStopping({ patience: 5, stopOnNonFinite: false }), [
      1,
      Number.NaN,
      0.5,
    ]);
    expect(tolerant.state).toMatchObject({ stoppedEpoch: null, best: 0.5, bestEpoch: 2 });
  });

  it('keeps requesting the stop once requested, with the first reason', () => {
    const stopper = earlyStopping();
    let state = run(stopper, [1, 2]).state;
    const step = stopper.update(state, 0.1);
    expect(step.shouldStop).toBe(true);
    expect(step.improved).toBe(true);
    expect(step.reason).toBe('patience');
    state = step.state;
    expect(state.stoppedEpoch).toBe(1);
  });

  it('a state restored from JSON continues exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 0, max: 5 }),
        (values, cut, patience) => {
          const stopper = earlyStopping({ patience, minDelta: 0.01 });
          const split = cut % values.length;
          let state = stopper.init();
          const direct: boolean[] = [];
          for (const v of values) {
            const s = stopper.update(state, v);
            state = s.state;
            direct.push(s.shouldStop);
          }
          let resumed = stopper.init();
          const viaJson: boolean[] = [];
          values.forEach((v, i) => {
            if (i === split)
              resumed = earlyStoppingFromJSON(
                JSON.parse(JSON.stringify(earlyStoppingToJSON(resumed))),
              );
            const s = stopper.update(resumed, v);
            resumed = s.state;
            viaJson.push(s.shouldStop);
          });
          expect(viaJson).toEqual(direct);
          expect(resumed).toEqual(state);
        },
      ),
    );
  });

  it('rejects bad options and states with typed errors', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(InvalidArgumentError);
    expect(() => earlyStopping({ patience: 1.5 })).toThrow(
      'earlyStopping: patience must be an integer >= 0, got 1.5.',
    );
    expect(() => earlyStopping({ mode: 'auto' as 'min' })).toThrow(
      "earlyStopping: mode must be one of 'min', 'max', got \"auto\".",
    );
    expect(() => earlyStopping({ minDelta: -0.1 })).toThrow(
      /minDelta must be a finite number >= 0/,
    );
    expect(() =>
      earlyStoppingFromJSON({ format: 'trainkit.curves.earlyStopping', version: 1, epoch: 1 }),
    ).toThrow(StateRestoreError);
    expect(() =>
      earlyStoppingFromJSON({
        format: 'trainkit.curves.earlyStopping',
        version: 1,
        epoch: 1,
        best: 'x',
        bestEpoch: 0,
        wait: 0,
        stoppedEpoch: null,
        stopReason: null,
      }),
    ).toThrow('earlyStoppingFromJSON: best must be a finite number or null, got "x".');
    expect(() =>
      checkEarlyStoppingState(
        'earlyStoppingCallback',
        { ...earlyStopping().init(), wait: -1 },
        'state',
      ),
    ).toThrow('earlyStoppingCallback: state.wait must be an integer >= 0, got -1.');
  });
});

describe('earlyStoppingToJSON / earlyStoppingFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.curves.earlyStopping',
    version: 1,
    toJSON: earlyStoppingToJSON,
    fromJSON: earlyStoppingFromJSON,
    samples: () => {
      const stopper = earlyStopping({ patience: 1 });
      let state = stopper.init();
      const states = [state];
      for (const value of [1, 0.5, 0.7, 0.9]) {
        state = stopper.update(state, value).state;
        states.push(state);
      }
      return states;
    },
  });
});
