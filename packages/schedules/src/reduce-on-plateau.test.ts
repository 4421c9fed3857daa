import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  type ReduceOnPlateauState,
  reduceOnPlateau,
  reduceOnPlateauFromJSON,
  reduceOnPlateauToJSON,
} from './reduce-on-plateau';

function run(plateau: ReturnType<typeof reduceOnPlateau>, metrics: readonly number[]) {
  const states: ReduceOnPlateauState[] = [];
  let state = plateau.init();
  for (const metric of metrics) {
    state = plateau.update(state, metric);
    states.push(state);
  }
  return states;
}

describe('reduceOnPlateau', () => {
  it('reduces on the (patience + 1)-th bad epoch, as PyTorch', () => {
    const plateau = reduceOnPlateau({ initialValue: 0.1, patience: 2 });
    const states = run(plateau, [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);
    expect(states.map((s) => s.learningRate)).toEqual([
      0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002,
      0.0010000000000000002,
    ]);
    expect(states.map((s) => s.badEpochs)).toEqual([0, 0, 1, 2, 0, 1, 2, 0]);
    expect(states.at(-1)?.reductions).toBe(2);
    expect(states.at(-1)?.epochs).toBe(8);
  });

  it('counts no bad epochs during the cooldown', () => {
    const plateau = reduceOnPlateau({ initialValue: 1, patience: 0, cooldown: 2, factor: 0.5 });
    const states = run(plateau, [1, 2, 2, 2, 2, 2]);
    // epoch 2: bad > 0 -> reduce, cooldown 2; epochs 3-4 in cooldown; epoch 5 reduces again
    expect(states.map((s) => s.learningRate)).toEqual([1, 0.5, 0.5, 0.5, 0.25, 0.25]);
    expect(states.map((s) => s.cooldownRemaining)).toEqual([0, 2, 1, 0, 2, 1]);
  });

  it('uses max mode and an absolute threshold', () => {
    const plateau = reduceOnPlateau({
      initialValue: 1,
      mode: 'max',
      patience: 0,
      threshold: 0.1,
      thresholdMode: 'absolute',
      factor: 0.5,
    });
    // 0.55 is not > 0.5 + 0.1; 0.7 is
    const states = run(plateau, [0.5, 0.55, 0.7]);
    expect(states.map((s) => s.learningRate)).toEqual([1, 0.5, 0.5]);
    expect(states.map((s) => s.best)).toEqual([0.5, 0.5, 0.7]);
  });

  it('respects minValue and minimumChange', () => {
    const floored = reduceOnPlateau({ initialValue: 1, patience: 0, minValue: 0.3, factor: 0.5 });
    expect(run(floored, [1, 1, 1, 1]).map((s) => s.learningRate)).toEqual([1, 0.5, 0.3, 0.3]);
    const tiny = reduceOnPlateau({ initialValue: 1, patience: 0, factor: 0.5, minimumChange: 0.3 });
    // 1 -> 0.5 (change 0.5), 0.5 -> 0.25 skipped (change 0.25 <= 0.3)
    expect(run(tiny, [1, 1, 1]).map((s) => s.learningRate)).toEqual([1, 0.5, 0.5]);
  });

  it('never takes NaN or infinite metrics as the best, and keeps the state valid JSON', () => {
    const plateau = reduceOnPlateau({ initialValue: 1, patience: 1 });
    const states = run(plateau, [Number.NaN, Number.NEGATIVE_INFINITY, 3, Number.NaN]);
    expect(states.map((s) => s.best)).toEqual([null, null, 3, 3]);
    expect(states.map((s) => s.badEpochs)).toEqual([1, 0, 0, 1]);
    expect(states[1]?.learningRate).toBeCloseTo(0.1, 15);
    for (const state of states) expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('does not modify the input state', () => {
    const plateau = reduceOnPlateau({ initialValue: 1, patience: 0 });
    const start = plateau.init();
    const copy = { ...start };
    plateau.update(start, 5);
    expect(start).toEqual(copy);
  });

  it('resumes exactly from a JSON round trip at any point (property)', () => {
    const options = fc.record({
      initialValue: fc.double({ min: 1e-6, max: 10, noNaN: true }),
      mode: fc.constantFrom('min' as const, 'max' as const),
      factor: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      patience: fc.integer({ min: 0, max: 5 }),
      threshold: fc.double({ min: 0, max: 0.1, noNaN: true }),
      thresholdMode: fc.constantFrom('relative' as const, 'absolute' as const),
      cooldown: fc.integer({ min: 0, max: 4 }),
      minValue: fc.double({ min: 0, max: 1e-3, noNaN: true }),
    });
    const metric = fc.oneof(
      { weight: 20, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(Number.NaN, -0, 0) },
    );
    fc.assert(
      fc.property(
        options,
        fc.array(metric, { minLength: 1, maxLength: 80 }),
        fc.nat(),
        (o, metrics, cut) => {
          const plateau = reduceOnPlateau(o);
          const straight = run(plateau, metrics);
          const split = cut % metrics.length;
          let state = plateau.init();
          for (const m of metrics.slice(0, split)) state = plateau.update(state, m);
          // Save, then restore in a fresh instance with the same options.
          const saved = JSON.stringify(reduceOnPlateauToJSON(state));
          const resumed = reduceOnPlateau(o);
          state = reduceOnPlateauFromJSON(saved);
          const rest: ReduceOnPlateauState[] = [];
          for (const m of metrics.slice(split)) {
            state = resumed.update(state, m);
            rest.push(state);
          }
          expect(rest).toEqual(straight.slice(split));
          // The rate never increases and never goes below min(minValue, initialValue).
          let previous = o.initialValue;
          for (const s of straight) {
            expect(s.learningRate).toBeLessThanOrEqual(previous);
            expect(s.learningRate).toBeGreaterThanOrEqual(Math.min(o.minValue, o.initialValue));
            previous = s.learningRate;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('reduceOnPlateauToJSON / reduceOnPlateauFromJSON', () => {
    const plateau = reduceOnPlateau({ initialValue: 0.1 });
    const valid = plateau.update(plateau.init(), 1);

    describeStateFormat({
      format: 'trainkit.schedules.reduceOnPlateau',
      version: 1,
      toJSON: reduceOnPlateauToJSON,
      fromJSON: reduceOnPlateauFromJSON,
      samples: () => {
        const max = reduceOnPlateau({ initialValue: 1, mode: 'max', patience: 0, cooldown: 2 });
        let state = max.init();
        for (const metric of [0.5, 0.4, 0.4, 0.6]) state = max.update(state, metric);
        return [plateau.init(), valid, state];
      },
    });

    it('accepts the parsed object or the JSON text and returns a clean copy', () => {
      const json = reduceOnPlateauToJSON(valid);
      expect(reduceOnPlateauFromJSON(JSON.parse(JSON.stringify(json)))).toEqual(valid);
      expect(reduceOnPlateauFromJSON(JSON.stringify(json))).toEqual(valid);
      expect(reduceOnPlateauFromJSON({ ...json, extra: 1 })).toEqual(valid);
    });

    const good = reduceOnPlateauToJSON(valid);
    it.each([
      ['not JSON', '{', 'reduceOnPlateauFromJSON: the text is not valid JSON'],
      [
        'null',
        null,
        'reduceOnPlateauFromJSON: expected a trainkit.schedules.reduceOnPlateau state object, got null.',
      ],
      [
        'another format',
        { ...good, format: 'cosine' },
        'expected format "trainkit.schedules.reduceOnPlateau", got "cosine".',
      ],
      [
        'another version',
        { ...good, version: 2 },
        'trainkit.schedules.reduceOnPlateau version 2 was written by a newer release',
      ],
      [
        'a NaN learning rate (null in JSON)',
        { ...good, learningRate: null },
        'learningRate must be a finite number >= 0, got null.',
      ],
      ['a string best', { ...good, best: '1' }, 'best must be a finite number, got "1".'],
      [
        'a negative counter',
        { ...good, badEpochs: -1 },
        'badEpochs must be an integer >= 0, got -1.',
      ],
      [
        'a missing counter',
        { ...good, cooldownRemaining: undefined },
        'cooldownRemaining must be an integer >= 0, got undefined.',
      ],
    ])('rejects %s with a StateRestoreError', (_description, saved, message) => {
      expect(() => reduceOnPlateauFromJSON(saved)).toThrow(StateRestoreError);
      expect(() => reduceOnPlateauFromJSON(saved)).toThrow(message);
    });

    it('keeps the JSON error as the cause', () => {
      try {
        reduceOnPlateauFromJSON('{');
        expect.unreachable();
      } catch (error) {
        expect(StateRestoreError.isInstance(error)).toBe(true);
        expect((error as Error).cause).toBeInstanceOf(SyntaxError);
      }
    });

    it('update refuses a state saved with the other mode', () => {
      expect(() => plateau.update({ ...valid, mode: 'max' }, 1)).toThrow(
        'reduceOnPlateau: state.mode must be \'min\' (the mode of these options), got "max".',
      );
    });

    it('update rejects a malformed state and a non-number metric', () => {
      expect(() => plateau.update({ ...valid, epochs: 1.5 }, 1)).toThrow(StateRestoreError);
      expect(() => plateau.update(valid, '1' as never)).toThrow(InvalidArgumentError);
      expect(() => plateau.update(valid, '1' as never)).toThrow(
        'reduceOnPlateau: metric must be a number, got "1". Pass the monitored value, e.g. the validation loss.',
      );
    });
  });
});
