import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  createHistory,
  historyFromJSON,
  historyToJSON,
  recordEpoch,
  recordTraining,
  recordTrainingEvaluation,
  recordValidation,
} from './history';

describe('history recording', () => {
  it('records the four kinds of measurement', () => {
    const history = createHistory({ name: 'a' });
    recordTraining(history, 0, 2.3);
    recordTraining(history, 1, 2.1);
    recordValidation(history, 2, 1.9);
    recordTrainingEvaluation(history, 2, 1.8);
    recordEpoch(history, 0, 2, { loss: 2.2, val_loss: 1.9 });
    expect(history.train).toEqual({ iterations: [0, 1], values: [2.3, 2.1] });
    expect(history.validation).toEqual({ iterations: [2], values: [1.9] });
    expect(history.trainingEvaluation).toEqual({ iterations: [2], values: [1.8] });
    expect(history.epochs).toEqual([
      { epoch: 0, iteration: 2, metrics: { loss: 2.2, val_loss: 1.9 } },
    ]);
    expect(history.name).toBe('a');
  });

  it('keeps NaN and infinities but rejects bad iterations with typed errors', () => {
    const history = createHistory();
    recordTraining(history, 0, Number.NaN);
    expect(history.train.values[0]).toBeNaN();
    expect(() => recordTraining(history, 0, 1)).toThrow(InvalidArgumentError);
    expect(() => recordTraining(history, 0, 1)).toThrow(
      'recordTraining: iteration must be > 0 (the last recorded iteration), got 0. Record each iteration once, in increasing order.',
    );
    expect(() => recordValidation(history, 1.5, 1)).toThrow(
      'recordValidation: iteration must be an integer >= 0, got 1.5.',
    );
    expect(() => recordValidation(history, 3, '1' as unknown as number)).toThrow(
      /recordValidation: value must be a number/,
    );
    recordEpoch(history, 0, 10, { loss: 1 });
    expect(() => recordEpoch(history, 0, 11, { loss: 1 })).toThrow(
      'recordEpoch: epoch must be > 0 (the last recorded epoch), got 0.',
    );
    expect(() => recordEpoch(history, 1, 9, { loss: 1 })).toThrow(/iteration must be >= 10/);
  });
});

describe('JSON round trip', () => {
  const anyNumber = fc.oneof(
    fc.double(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0),
  );

  it('restores every value exactly, NaN, infinities and -0 included (property)', () => {
    fc.assert(
      fc.property(
        fc.array(anyNumber, { maxLength: 50 }),
        fc.array(anyNumber, { maxLength: 10 }),
        fc.array(anyNumber, { maxLength: 10 }),
        fc.string(),
        (train, validation, evaluation, name) => {
          const history = createHistory({ name });
          for (const [i, v] of train.entries()) recordTraining(history, i, v);
          for (const [i, v] of validation.entries()) {
            recordValidation(history, i * 5 + 3, v);
            recordEpoch(history, i, i * 5 + 3, { val_loss: v, acc: 0.5 });
          }
          for (const [i, v] of evaluation.entries()) recordTrainingEvaluation(history, i * 7, v);
          const restored = historyFromJSON(JSON.stringify(historyToJSON(history)));
          // toStrictEqual distinguishes -0 from 0 and treats NaN as equal to NaN.
          expect(restored).toStrictEqual(history);
          expect(restored.train.values.every((v, i) => Object.is(v, train[i]))).toBe(true);
        },
      ),
    );
  });

  it('rejects text that is not a history with StateRestoreError', () => {
    expect(() => historyFromJSON('{')).toThrow(StateRestoreError);
    expect(() => historyFromJSON('{"format":"x"}')).toThrow(
      'historyFromJSON: expected format "trainkit.curves.history", got "x".',
    );
    const good = historyToJSON(createHistory());
    expect(() => historyFromJSON(JSON.stringify({ ...good, version: 2 }))).toThrow(
      'historyFromJSON: trainkit.curves.history version 2 was written by a newer release; this one reads version 1.',
    );
    expect(() =>
      historyFromJSON(JSON.stringify({ ...good, train: { iterations: [0, 0], values: [1, 2] } })),
    ).toThrow('historyFromJSON: train.iterations[1] must be an integer > 0 (increasing), got 0.');
    expect(() =>
      historyFromJSON(JSON.stringify({ ...good, validation: { iterations: [0], values: ['x'] } })),
    ).toThrow(/validation.values\[0\] must be a number/);
    expect(() =>
      historyFromJSON(JSON.stringify({ ...good, validation: { iterations: [0], values: [] } })),
    ).toThrow(/validation.values must be an array of 1 values \(one per iteration\), got \[\]/);
  });
});

describe('historyToJSON / historyFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.curves.history',
    version: 1,
    toJSON: historyToJSON,
    fromJSON: historyFromJSON,
    samples: () => {
      const full = createHistory({ name: 'full' });
      recordTraining(full, 0, 2.3);
      recordTraining(full, 1, Number.NaN);
      recordTraining(full, 2, -0);
      recordValidation(full, 2, Number.POSITIVE_INFINITY);
      recordTrainingEvaluation(full, 2, 1.5);
      recordEpoch(full, 0, 2, { loss: 1, val_loss: Number.NaN });
      return [createHistory(), full];
    },
    equal: (restored, original) => expect(restored).toStrictEqual(original),
  });
});
