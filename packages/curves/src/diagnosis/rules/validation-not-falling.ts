import { localHalfWidth, localLevel, reducedTrend } from '../measurements';
import { defineDiagnosisRule, formatNumber, percent } from '../rule';

const advice: readonly string[] = [
  'check that validation data gets the same preprocessing and label mapping as training data',
  'check for a mismatch between the training and validation distributions',
  'the model may be memorizing: regularize, or get more data',
];

/**
 * `validation-not-falling` (warning): training fell by at least 2 x
 * `minProgress` over the validation iterations, and validation did not
 * improve: neither (start - final) >= max(`minProgress` x start,
 * `noiseSigmas` x 1.64 sigma) (1.64 sigma: the standard error of a difference
 * of two medians of 3) nor a significant downward trend (at `alpha`) with
 * the best at least `minProgress` below the start. Runs only when the
 * training loss falls and there is no overfitting.
 */
export const validationNotFallingRule = defineDiagnosisRule({
  id: 'validation-not-falling',
  title: 'Validation loss not falling',
  needs: ['train', 'validation'],
  unless: ['training-not-falling', 'overfitting'],
  defaults: {},
  sources: ['trainkit default, set on the synthetic scenarios of the tests'],
  advice,
  evaluate({ measured, train: t, validation: v, settings }) {
    const train = measured.curves.train;
    const validation = measured.curves.validation;
    const halfWidth = localHalfWidth(validation, measured.shape!);
    const improvement = v.startLevel - v.bestLevel;
    const validationTrend = reducedTrend(validation.xs, validation.ys, settings.alpha).trend;
    // The median of 3 has a standard error of about 1.16 sigma, so the difference of two
    // such medians about 1.64 sigma.
    const settledDrop = v.startLevel - v.finalLevel;
    const improved =
      settledDrop >=
        Math.max(
          settings.minProgress * Math.abs(v.startLevel),
          settings.noiseSigmas * 1.64 * v.noise,
        ) ||
      (validationTrend.direction === 'decreasing' &&
        improvement >= settings.minProgress * Math.abs(v.startLevel));
    const trainAtValidationStart = localLevel(train, v.range.start, halfWidth).level;
    const trainDropOverValidation =
      (trainAtValidationStart - t.finalLevel) / Math.max(Math.abs(trainAtValidationStart), 1e-12);
    if (improved || !(trainDropOverValidation >= 2 * settings.minProgress)) return [];
    return [
      {
        severity: 'warning',
        subject: 'validation',
        summary: `The validation loss did not improve (start ${formatNumber(v.startLevel)}, best ${formatNumber(v.bestLevel)}, final ${formatNumber(v.finalLevel)}) while the training loss fell ${percent(trainDropOverValidation)} over the same iterations.`,
        range: { start: v.range.start, end: v.range.end },
        evidence: {
          validationStart: v.startLevel,
          validationBest: v.bestLevel,
          validationFinal: v.finalLevel,
          validationTrendPValue: validationTrend.pValue,
          trainingRelativeDrop: trainDropOverValidation,
        },
        advice: advice,
      },
    ];
  },
});
