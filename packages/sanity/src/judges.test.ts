import { createRandom } from '@trainkit/stats';
import { describe, expect, it } from 'vitest';
import { judgeDiscreteLearningRates, judgeLearningRateRun } from './discrete-lr-test';
import { judgeEvaluationMode, judgeTrainingLossAgreement } from './evaluation-mode';
import { judgeGradientFreshness } from './gradient-freshness';
import { judgeInitialLoss } from './initial-loss';
import { judgeOutputLossPairing } from './output-loss-pairing';
import { judgeOverfitLadder } from './overfit-ladder';

describe('judgeInitialLoss', () => {
  it('compares with ln(C), ln 2, or the mean predictor', () => {
    const ln10 = Math.log(10);
    expect(judgeInitialLoss({ loss: ln10 * 1.14, task: 'multiclass', classes: 10 }).status).toBe(
      'pass',
    );
    expect(judgeInitialLoss({ loss: ln10 * 1.16, task: 'multiclass', classes: 10 }).status).toBe(
      'warn',
    );
    expect(judgeInitialLoss({ loss: ln10 * 2.01, task: 'multiclass', classes: 10 }).status).toBe(
      'fail',
    );
    const low = judgeInitialLoss({ loss: 0.5, task: 'multiclass', classes: 10 });
    expect(low.status).toBe('warn');
    expect(low.advice[0]).toMatch(/already does better than chance/);
    // A start at the class-prior entropy is fine (bias initialized to the prior).
    expect(
      judgeInitialLoss({ loss: 0.33, task: 'multiclass', classes: 2, classFrequencies: [90, 10] })
        .status,
    ).toBe('pass');
    expect(judgeInitialLoss({ loss: Math.LN2, task: 'binary' }).measurements.expected).toBe(
      Math.LN2,
    );
    expect(judgeInitialLoss({ loss: 0.5, task: 'regression', meanPredictorLoss: 1 }).status).toBe(
      'pass',
    );
    expect(judgeInitialLoss({ loss: 3, task: 'regression', meanPredictorLoss: 1 }).status).toBe(
      'fail',
    );
    expect(judgeInitialLoss({ loss: Number.NaN, task: 'binary' }).status).toBe('fail');
    expect(
      judgeInitialLoss({ loss: 2.3, task: 'multiclass', classes: 10, meanConfidence: 0.9 }).status,
    ).toBe('warn');
  });
});

describe('judgeOutputLossPairing', () => {
  it('fails both mismatches, passes both matches, skips what it cannot judge', () => {
    const judge = (
      lossExpects: 'logits' | 'probabilities' | 'unknown',
      outputsLookLikeProbabilities: boolean,
    ) =>
      judgeOutputLossPairing({ task: 'multiclass', lossExpects, outputsLookLikeProbabilities })
        .status;
    expect(judge('logits', true)).toBe('fail');
    expect(judge('probabilities', false)).toBe('fail');
    expect(judge('logits', false)).toBe('pass');
    expect(judge('probabilities', true)).toBe('pass');
    expect(judge('unknown', true)).toBe('skipped');
    expect(
      judgeOutputLossPairing({
        task: 'regression',
        lossExpects: 'logits',
        outputsLookLikeProbabilities: true,
      }).status,
    ).toBe('skipped');
    const binary = judgeOutputLossPairing({
      task: 'binary',
      lossExpects: 'logits',
      outputsLookLikeProbabilities: true,
    });
    expect(binary.advice[0]).toMatch(/^Remove the final sigmoid/);
  });
});

describe('judgeEvaluationMode / judgeTrainingLossAgreement', () => {
  it('names the cause', () => {
    expect(judgeEvaluationMode({ repeatDifference: 1e-3, batchDifference: 1e-3 }).summary).toMatch(
      /evaluation is random/,
    );
    expect(judgeEvaluationMode({ repeatDifference: 0, batchDifference: 1e-3 }).summary).toMatch(
      /batch statistics/,
    );
    expect(judgeEvaluationMode({ repeatDifference: 0, batchDifference: 5e-5 }).status).toBe('pass');
    expect(
      judgeEvaluationMode({
        repeatDifference: 0,
        batchDifference: 0,
        modeDifference: 0,
        modeLayers: ['dropout_1'],
      }).status,
    ).toBe('warn');
  });

  it('flags an evaluated loss above the tracked one only', () => {
    expect(judgeTrainingLossAgreement({ trackedLoss: 1, evaluatedLoss: 1.25 }).status).toBe('pass');
    expect(judgeTrainingLossAgreement({ trackedLoss: 1, evaluatedLoss: 1.3 }).status).toBe('warn');
    expect(judgeTrainingLossAgreement({ trackedLoss: 1, evaluatedLoss: 2.1 }).status).toBe('fail');
    expect(judgeTrainingLossAgreement({ trackedLoss: 1, evaluatedLoss: 0.3 }).status).toBe('pass');
    expect(judgeTrainingLossAgreement({ trackedLoss: 1, evaluatedLoss: Number.NaN }).status).toBe(
      'fail',
    );
  });
});

describe('judgeGradientFreshness', () => {
  it('fails a changed update or no update at all', () => {
    const base = {
      updateNorm: 1,
      repeatDifference: 0,
      afterOtherBatchDifference: 0,
      accumulationSteps: 1,
    };
    expect(judgeGradientFreshness(base).status).toBe('pass');
    expect(judgeGradientFreshness({ ...base, afterOtherBatchDifference: 2e-4 }).status).toBe(
      'fail',
    );
    expect(
      judgeGradientFreshness({ ...base, afterOtherBatchDifference: 2e-4 }, { tolerance: 1e-3 })
        .status,
    ).toBe('pass');
    expect(judgeGradientFreshness({ ...base, updateNorm: 0 }).summary).toMatch(
      /did not change the weights/,
    );
  });
});

describe('the discrete learning-rate test', () => {
  const run = (learningRate: number, level: (i: number) => number, seed = 1) => {
    const random = createRandom({ seed });
    return {
      learningRate,
      losses: Array.from(
        { length: 100 },
        (_, i) => level(i) * (1 + 0.05 * (random.nextFloat() - 0.5)),
      ),
    };
  };

  it('defines a significant drop: trend, size and noise', () => {
    expect(judgeLearningRateRun(run(1e-3, (i) => 2.3 * Math.exp(-i / 50))).verdict).toBe('drops');
    // A real but tiny trend (1% over the run) is not a significant drop.
    expect(judgeLearningRateRun(run(1e-4, (i) => 2.3 * (1 - 0.0001 * i))).verdict).toBe('flat');
    expect(judgeLearningRateRun(run(1, (i) => 2.3 * (1 + 0.02 * i))).verdict).toBe('diverged');
    const spike = run(10, () => 2.3);
    spike.losses[3] = 500;
    expect(judgeLearningRateRun({ ...spike, startLoss: 2.3 }).verdict).toBe('diverged');
    const nan = run(1, () => 2.3);
    nan.losses[50] = Number.NaN;
    expect(judgeLearningRateRun(nan).verdict).toBe('diverged');
  });

  it('picks the best of the dropping rates and judges the configured one', () => {
    const result = judgeDiscreteLearningRates([
      run(1e-1, (i) => 2.3 * (1 + 0.05 * i)),
      run(1e-2, (i) => 0.3 + 2 * Math.exp(-i / 10)),
      run(1e-3, (i) => 0.3 + 2 * Math.exp(-i / 60)),
      run(1e-4, () => 2.3),
    ]);
    expect(result.status).toBe('pass');
    expect(result.measurements.best).toBe(1e-2);
    expect(result.measurements.dropping).toEqual([1e-2, 1e-3]);
    expect(result.table!.map((row) => row.verdict)).toEqual(['diverged', 'drops', 'drops', 'flat']);
    const configured = judgeDiscreteLearningRates([
      run(1e-2, (i) => 0.3 + 2 * Math.exp(-i / 10)),
      { ...run(1e-7, () => 2.3), configured: true },
    ]);
    expect(configured.status).toBe('fail');
    expect(configured.summary).toMatch(
      /^the configured learning rate 1e-7 does not make the loss drop/,
    );
    expect(judgeDiscreteLearningRates([run(1e-4, () => 2.3)]).status).toBe('fail');
  });
});

describe('judgeOverfitLadder', () => {
  const rung = (size: number, steps: number, heldOutAccuracy: number) => ({
    size,
    steps,
    trainAccuracy: Number.isNaN(steps) ? 0.5 : 1,
    trainLoss: 0.01,
    heldOutAccuracy,
  });

  it('fails an unmemorized tiny set, warns at chance, passes otherwise', () => {
    const context = { maxSteps: 100, chanceAccuracy: 0.11, heldOutCount: 500 };
    expect(judgeOverfitLadder([rung(1, 3, 0.1), rung(4, Number.NaN, 0.1)], context).status).toBe(
      'fail',
    );
    expect(judgeOverfitLadder([rung(1, 3, 0.1), rung(100, 50, 0.15)], context).status).toBe('warn');
    // threshold = 0.11 + max(0.05, 3 * sqrt(0.11 * 0.89 / 500)) = 0.11 + 0.05 = 0.16
    expect(judgeOverfitLadder([rung(1, 3, 0.1), rung(100, 50, 0.17)], context).status).toBe('pass');
    expect(judgeOverfitLadder([rung(1, 3, 0.1), rung(1000, Number.NaN, 0.8)], context).status).toBe(
      'pass',
    );
  });
});
