import { localHalfWidth, localLevel, medianOfList } from '../measurements';
import { defineDiagnosisRule, percent } from '../rule';

const advice: readonly string[] = [
  'make training and evaluation use the same preprocessing and the same loss reduction (mean, not sum)',
  'check layers that behave differently in training (dropout, batch normalization statistics)',
  'make sure the tracked loss is the current batch loss, not a stale or accumulated value',
];

/**
 * `training-evaluation-disagrees` (warning): the median relative difference
 * between training-set evaluations and the local training level exceeds
 * `disagreementTolerance` [25%], and its absolute value 2 standard errors of
 * the local level.
 */
export const trainingEvaluationDisagreesRule = defineDiagnosisRule({
  id: 'training-evaluation-disagrees',
  title: 'Training-set evaluation disagrees with the tracked loss',
  needs: ['train', 'trainingEvaluation'],
  defaults: { disagreementTolerance: 0.25 },
  limits: { disagreementTolerance: { min: 0, max: 100, minInclusive: false } },
  sources: ['trainkit default, set on the synthetic scenarios of the tests'],
  advice,
  evaluate({ measured, train: t, thresholds }) {
    const train = measured.curves.train;
    const evaluation = measured.curves.evaluation;
    const halfWidth = localHalfWidth(evaluation, measured.shape!);
    const differences: number[] = [];
    const relative: number[] = [];
    let counted = 0;
    evaluation.xs.forEach((x, i) => {
      const local = localLevel(train, x, halfWidth);
      differences.push(evaluation.ys[i]! - local.level);
      relative.push((evaluation.ys[i]! - local.level) / Math.max(Math.abs(local.level), 1e-12));
      counted += local.count;
    });
    const medianRelative = medianOfList(relative);
    const medianDifference = medianOfList(differences);
    const standardError = t.noise / Math.sqrt(Math.max(1, counted / relative.length));
    if (
      !(
        Math.abs(medianRelative) > thresholds.disagreementTolerance &&
        Math.abs(medianDifference) > 2 * standardError
      )
    ) {
      return [];
    }
    return [
      {
        severity: 'warning',
        subject: 'training-evaluation',
        summary: `Evaluating the training set gives a loss ${percent(Math.abs(medianRelative))} ${medianRelative > 0 ? 'higher' : 'lower'} than the loss tracked during training (median over ${relative.length} evaluations; tolerance ${percent(thresholds.disagreementTolerance)}).`,
        range: { start: evaluation.xs[0]!, end: evaluation.xs[evaluation.xs.length - 1]! },
        evidence: {
          medianRelativeDifference: medianRelative,
          medianDifference,
          evaluations: relative.length,
        },
        advice: advice,
      },
    ];
  },
});
