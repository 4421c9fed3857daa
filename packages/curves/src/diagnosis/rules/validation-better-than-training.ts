import { localHalfWidth, localLevel, medianOfList } from '../measurements';
import { defineDiagnosisRule, percent } from '../rule';

const advice: readonly string[] = [
  'often harmless: dropout and other regularization are active only in training, and the tracked loss lags behind the weights',
  'check that validation samples do not also appear in the training set (leakage)',
  'check that validation is computed on the validation data, with the same loss',
];

/**
 * `validation-better-than-training` (warning): in the end window (at least 3
 * validation points) at least 80% of validation points are below the local
 * training level (median of the training points in the preceding half
 * validation spacing, at least span/50, 3 points), by a median relative
 * margin >= `validationBetterMargin` [10%].
 */
export const validationBetterThanTrainingRule = defineDiagnosisRule({
  id: 'validation-better-than-training',
  title: 'Validation better than training',
  needs: ['train', 'validation'],
  defaults: { validationBetterMargin: 0.1 },
  limits: {
    validationBetterMargin: { min: 0, max: 1, minInclusive: false, maxInclusive: false },
  },
  sources: ['UMLAUT: validation better than training is a leakage hint'],
  advice,
  evaluate({ measured, thresholds }) {
    const train = measured.curves.train;
    const validation = measured.curves.validation;
    const shape = measured.shape!;
    const halfWidth = localHalfWidth(validation, shape);
    const endPoints = validation.xs
      .map((x, i) => ({ x, y: validation.ys[i]! }))
      .filter((p) => p.x >= shape.windowStart);
    const points =
      endPoints.length >= 3
        ? endPoints
        : validation.xs
            .slice(-3)
            .map((x, i, all) => ({ x, y: validation.ys[validation.ys.length - all.length + i]! }));
    const margins = points.map((p) => {
      const level = localLevel(train, p.x, halfWidth).level;
      return (level - p.y) / Math.max(Math.abs(level), 1e-12);
    });
    const below = margins.filter((m) => m > 0).length / margins.length;
    const margin = medianOfList(margins);
    if (!(below >= 0.8 && margin >= thresholds.validationBetterMargin)) return [];
    return [
      {
        severity: 'warning',
        subject: 'validation',
        summary: `The validation loss is ${percent(margin)} below the training loss (median over ${margins.length} evaluations from iteration ${points[0]!.x}; ${percent(below)} of them below).`,
        range: { start: points[0]!.x, end: points[points.length - 1]!.x },
        evidence: { medianRelativeMargin: margin, fractionBelow: below },
        advice: advice,
      },
    ];
  },
});
