// Every invalid call of the main entry throws a typed trainkit error naming the function and
// the argument; a rejected record leaves the history unchanged.
import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { describeInvalidCalls, type InvalidCall } from '../../../invalid-calls.shared';
import {
  biasVariance,
  createHistory,
  curvesChartData,
  curvesSvg,
  curvesTerminal,
  diagnose,
  earlyStopping,
  earlyStoppingFromJSON,
  earlyStoppingToJSON,
  formatDiagnosis,
  historyFromJSON,
  historyToJSON,
  recordEpoch,
  recordTraining,
  recordTrainingEvaluation,
  recordValidation,
  type TrainingHistory,
} from './index';

function history(): TrainingHistory {
  const h = createHistory({ name: 'h' });
  for (let t = 0; t < 30; t++) recordTraining(h, t, 1 / (t + 1));
  recordValidation(h, 10, 0.5);
  recordEpoch(h, 0, 15, { loss: 0.1 });
  return h;
}
const h = history();

const invalidCalls: InvalidCall[] = [
  [
    'createHistory(null)',
    () => createHistory(null as never),
    InvalidArgumentError,
    /^createHistory: options must be an options object, got null\./,
  ],
  [
    'createHistory({ name: 3 })',
    () => createHistory({ name: 3 as never }),
    InvalidArgumentError,
    /^createHistory: name must be a string, got 3\.$/,
  ],
  [
    'recordTraining(undefined, 0, 1)',
    () => recordTraining(undefined as never, 0, 1),
    InvalidArgumentError,
    /^recordTraining: history must be a TrainingHistory, got undefined\. Create one with createHistory\(\)/,
  ],
  [
    'recordValidation([], 0, 1)',
    () => recordValidation([] as never, 0, 1),
    InvalidArgumentError,
    /^recordValidation: history must be a TrainingHistory/,
  ],
  [
    'recordTrainingEvaluation({}, 0, 1)',
    () => recordTrainingEvaluation({} as never, 0, 1),
    InvalidArgumentError,
    /^recordTrainingEvaluation: history must be/,
  ],
  [
    'recordEpoch(null, 0, 0, {})',
    () => recordEpoch(null as never, 0, 0, {}),
    InvalidArgumentError,
    /^recordEpoch: history must be/,
  ],
  [
    'historyToJSON("x")',
    () => historyToJSON('x' as never),
    InvalidArgumentError,
    /^historyToJSON: history must be a TrainingHistory, got "x"/,
  ],
  ['historyFromJSON(42)', () => historyFromJSON(42), StateRestoreError, /^historyFromJSON/],
  [
    'diagnose(undefined)',
    () => diagnose(undefined as never),
    InvalidArgumentError,
    /^diagnose: history must be a TrainingHistory/,
  ],
  [
    'diagnose(h, null)',
    () => diagnose(h, null as never),
    InvalidArgumentError,
    /^diagnose: options must be an options object, got null/,
  ],
  [
    'diagnose(h, { setup: 1 })',
    () => diagnose(h, { setup: 1 as never }),
    InvalidArgumentError,
    /^diagnose: setup must be an object/,
  ],
  [
    'formatDiagnosis(null)',
    () => formatDiagnosis(null as never),
    InvalidArgumentError,
    /^formatDiagnosis: diagnosis must be a Diagnosis, got null\. Pass the result of diagnose\(history\)\.$/,
  ],
  [
    'formatDiagnosis(d, null)',
    () => formatDiagnosis(diagnose(h), null as never),
    InvalidArgumentError,
    /^formatDiagnosis: options must be an options object/,
  ],
  [
    'earlyStopping(null)',
    () => earlyStopping(null as never),
    InvalidArgumentError,
    /^earlyStopping: options must be an options object/,
  ],
  [
    'update(undefined, 1)',
    () => earlyStopping().update(undefined as never, 1),
    StateRestoreError,
    /^earlyStopping\.update: state must be/,
  ],
  [
    'update(init, "1")',
    () => earlyStopping().update(earlyStopping().init(), '1' as never),
    InvalidArgumentError,
    /^earlyStopping\.update: value must be a number/,
  ],
  [
    'earlyStoppingToJSON(null)',
    () => earlyStoppingToJSON(null as never),
    StateRestoreError,
    /^earlyStoppingToJSON: state must be/,
  ],
  [
    'earlyStoppingFromJSON({})',
    () => earlyStoppingFromJSON({}),
    StateRestoreError,
    /^earlyStoppingFromJSON/,
  ],
  [
    'biasVariance(h errors, null)',
    () => biasVariance({ trainingError: 0.1, devError: 0.2 }, null as never),
    InvalidArgumentError,
    /^biasVariance: options must be an options object/,
  ],
  [
    'curvesSvg(h, null)',
    () => curvesSvg(h, null as never),
    InvalidArgumentError,
    /^curvesSvg: options must be an options object/,
  ],
  [
    'curvesSvg(null)',
    () => curvesSvg(null as never),
    InvalidArgumentError,
    /^curvesSvg: runs\[0\] must be a TrainingHistory/,
  ],
  [
    'curvesTerminal([h, 3])',
    () => curvesTerminal([h, 3] as never),
    InvalidArgumentError,
    /^curvesTerminal: runs\[1\] must be a TrainingHistory, got 3/,
  ],
  [
    'curvesChartData(h, {}, 2)',
    () => curvesChartData(h, {}, 2),
    InvalidArgumentError,
    /^curvesChartData: defaultMaxPoints must be an integer >= 4, got 2\.$/,
  ],
];

describeInvalidCalls(invalidCalls);

describe('a rejected record leaves the history unchanged', () => {
  it.each([
    ['recordTraining: iteration not increasing', (x: TrainingHistory) => recordTraining(x, 29, 1)],
    ['recordTraining: a string loss', (x: TrainingHistory) => recordTraining(x, 30, '1' as never)],
    ['recordValidation: a negative iteration', (x: TrainingHistory) => recordValidation(x, -1, 1)],
    ['recordEpoch: epoch not increasing', (x: TrainingHistory) => recordEpoch(x, 0, 30, {})],
    [
      'recordEpoch: a metric that is not a number',
      (x: TrainingHistory) => recordEpoch(x, 1, 30, { acc: '0.9' as never }),
    ],
  ])('%s', (_name, call) => {
    const x = history();
    const before = historyToJSON(x);
    expect(() => call(x)).toThrow(InvalidArgumentError);
    expect(historyToJSON(x)).toEqual(before);
  });
});
