import { changeStandardError, localHalfWidth, localLevel, reducedTrend } from '../measurements';
import { defineDiagnosisRule, formatNumber, percent } from '../rule';

const advice: readonly string[] = [
  'stop at the onset: early stopping with restoreBestWeights',
  'add regularization: weight decay (L2), dropout, data augmentation',
  'get more training data, or use a smaller model',
];

/**
 * `overfitting` (warning): after the best validation value (the onset), the
 * validation points (>= 4) rise with a Mann-Kendall p < `overfittingAlpha`
 * [0.05] (usually few points, hence laxer than `alpha`), and the Theil-Sen
 * fitted rise from the onset to the end is at least `overfittingRise` [10%]
 * of the best level and `noiseSigmas` standard errors (with the whole
 * validation curve's noise); validation's end trend is not falling; training
 * at the end is not above its level at the onset (+ `minRelativeChange`).
 * Runs only when the training loss falls.
 */
export const overfittingRule = defineDiagnosisRule({
  id: 'overfitting',
  title: 'Overfitting',
  needs: ['train', 'validation'],
  unless: ['training-not-falling'],
  defaults: { overfittingRise: 0.1, overfittingAlpha: 0.05 },
  limits: {
    overfittingRise: { min: 0, max: 100, minInclusive: false },
    overfittingAlpha: { min: 0, max: 1, minInclusive: false, maxInclusive: false },
  },
  sources: [
    'UMLAUT: validation loss rising while the training loss is flat or falling',
    'SageMaker Debugger overfit rule (ratio 0.1): a 10% rise',
  ],
  advice,
  evaluate({ measured, train: t, validation: v, settings, thresholds }) {
    const train = measured.curves.train;
    const validation = measured.curves.validation;
    const halfWidth = localHalfWidth(validation, measured.shape!);
    const trainAtOnset = localLevel(train, v.bestIteration, halfWidth).level;
    // After the best validation value, a significant upward trend whose fitted rise is
    // large both relative to the best level and to its own standard error.
    const afterOnset = validation.xs
      .map((x, i) => ({ x, y: validation.ys[i]! }))
      .filter((p) => p.x > v.bestIteration);
    if (afterOnset.length < 4) return [];
    const riseTrend = reducedTrend(
      afterOnset.map((p) => p.x),
      afterOnset.map((p) => p.y),
      thresholds.overfittingAlpha,
    );
    const riseSpan = v.range.end - v.bestIteration;
    const fittedRise = riseTrend.trend.slope * riseSpan;
    // The noise of the whole validation curve: a few points after the onset cannot estimate it.
    const riseStandardError =
      changeStandardError(Math.max(v.noise, riseTrend.noise), riseTrend.points) *
      (riseSpan / Math.max(afterOnset[afterOnset.length - 1]!.x - afterOnset[0]!.x, 1));
    if (
      !(
        riseTrend.trend.direction === 'increasing' &&
        fittedRise >= thresholds.overfittingRise * Math.abs(v.bestLevel) &&
        fittedRise >= settings.noiseSigmas * riseStandardError &&
        v.endTrend?.direction !== 'falling' &&
        t.finalLevel <= trainAtOnset * (1 + settings.minRelativeChange)
      )
    ) {
      return [];
    }
    const relativeRise = fittedRise / Math.max(Math.abs(v.bestLevel), 1e-12);
    return [
      {
        severity: 'warning',
        subject: 'validation',
        summary: `Overfitting from iteration ${v.bestIteration}: the validation loss rose from its best ${formatNumber(v.bestLevel)} to ${formatNumber(v.finalLevel)} (fitted rise +${percent(relativeRise)}, p = ${formatNumber(riseTrend.trend.pValue)}) while the training loss went from ${formatNumber(trainAtOnset)} to ${formatNumber(t.finalLevel)}.`,
        range: { start: v.bestIteration, end: v.range.end },
        evidence: {
          onsetIteration: v.bestIteration,
          bestValidation: v.bestLevel,
          finalValidation: v.finalLevel,
          fittedRise,
          relativeRise,
          riseStandardError,
          risePValue: riseTrend.trend.pValue,
          trainingAtOnset: trainAtOnset,
          finalTraining: t.finalLevel,
        },
        advice: advice,
      },
    ];
  },
});
