import { defineDiagnosisRule, formatNumber, percent } from '../rule';

const advice: readonly string[] = [
  'reduce variance: more training data or augmentation, regularization (weight decay, dropout), a smaller model',
  'use biasVariance() with error rates to compare the gap with the avoidable bias',
];

/**
 * `generalization-gap` (warning): neither end trend falling, and (final
 * validation - local training) / final validation > `gapTolerance` [0.2].
 * Runs only when the training loss falls, without overfitting or
 * validation-not-falling.
 */
export const generalizationGapRule = defineDiagnosisRule({
  id: 'generalization-gap',
  title: 'Generalization gap',
  needs: ['train', 'validation'],
  unless: ['training-not-falling', 'overfitting', 'validation-not-falling'],
  defaults: {},
  sources: [
    'deepchecks TrainTestPerformance: relative train/test degradation (default condition 0.1)',
  ],
  advice,
  evaluate({ measured, train: t, validation: v, settings }) {
    const { trainAtEnd, gap, relativeGap } = measured.endGap!;
    const tEnd = t.endTrend;
    const settled = tEnd?.direction !== 'falling' && v.endTrend?.direction !== 'falling';
    if (!(settled && relativeGap > settings.gapTolerance)) return [];
    return [
      {
        severity: 'warning',
        subject: 'curves',
        summary: `The curves have flattened with a gap: validation ${formatNumber(v.finalLevel)} vs training ${formatNumber(trainAtEnd)} (${percent(relativeGap)} of the validation loss; tolerance ${percent(settings.gapTolerance)}).`,
        range: { start: tEnd?.range.start ?? measured.shape!.first, end: measured.shape!.last },
        evidence: { validation: v.finalLevel, training: trainAtEnd, gap, relativeGap },
        advice: advice,
      },
    ];
  },
});
