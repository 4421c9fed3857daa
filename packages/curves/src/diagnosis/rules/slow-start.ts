import { runningMedian3 } from '../measurements';
import { defineDiagnosisRule, formatNumber, percent } from '../rule';

const advice: readonly string[] = [
  'check the weight initialization (He for ReLU, Glorot for tanh) and the input normalization',
  'raise the learning rate or shorten the warmup',
  'avoid saturating activations (sigmoid/tanh) in deep stacks, or add batch normalization',
];

/**
 * `slow-start` (warning): the running median of the training curve's bucket
 * medians reaches 10% of its total drop only after `slowStartFraction` [20%]
 * of the span. Runs only when the training loss falls.
 */
export const slowStartRule = defineDiagnosisRule({
  id: 'slow-start',
  title: 'Slow start',
  needs: ['train'],
  unless: ['training-not-falling'],
  defaults: { slowStartFraction: 0.2 },
  limits: { slowStartFraction: { min: 0, max: 1, minInclusive: false, maxInclusive: false } },
  sources: ['trainkit default, set on the synthetic scenarios of the tests'],
  advice,
  evaluate({ measured, train: t, thresholds }) {
    const { buckets, first, last, span } = measured.shape!;
    const smooth = runningMedian3(buckets.values);
    const target = t.startLevel - 0.1 * (t.startLevel - t.finalLevel);
    const reached = smooth.findIndex((value) => value <= target);
    const onset = reached < 0 ? last : buckets.iterations[reached]!;
    const plateauShare = (onset - first) / span;
    if (!(plateauShare > thresholds.slowStartFraction)) return [];
    return [
      {
        severity: 'warning',
        subject: 'training',
        summary: `Slow start: the training loss stayed near ${formatNumber(t.startLevel)} until iteration ${formatNumber(onset)} (${percent(plateauShare)} of the run) before reaching 10% of its total drop.`,
        range: { start: first, end: onset },
        evidence: { plateauEndIteration: onset, plateauShare, startLevel: t.startLevel },
        advice: advice,
      },
    ];
  },
});
