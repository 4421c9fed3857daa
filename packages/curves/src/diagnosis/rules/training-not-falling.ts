import { defineDiagnosisRule, formatNumber, percent } from '../rule';

const advice: readonly string[] = [
  'try learning rates 1e-1, 1e-2, 1e-3, 1e-4 for 100 iterations each and keep one where the loss drops',
  'check that the optimizer updates the weights (trainable variables, gradients not zero, the step is applied)',
  'overfit a single batch first: if that fails the model, loss or labels are wrong',
  'check the labels and the loss (softmax outputs passed to a loss that expects logits?)',
];

/**
 * `training-not-falling` (critical): the training curve's `buckets` [60]
 * bucket medians have no significant downward trend (Mann-Kendall at
 * `alpha`), or the final level is less than `minProgress` [5%] below the
 * start. The shape rules (slow start, overfitting, validation not falling,
 * underfitting, gap, ideal) then do not run.
 */
export const trainingNotFallingRule = defineDiagnosisRule({
  id: 'training-not-falling',
  title: 'Training loss not falling',
  needs: ['train'],
  defaults: {},
  sources: [
    'SageMaker Debugger loss_not_decreasing (the idea); the Mann-Kendall / Theil-Sen test of @trainkit/stats on bucket medians',
  ],
  advice,
  evaluate({ measured, train: t, settings }) {
    const { overall, relativeDrop: drop, first, last } = measured.shape!;
    if (overall.direction === 'decreasing' && drop >= settings.minProgress) return [];
    return [
      {
        severity: 'critical',
        subject: 'training',
        summary: `The training loss went from ${formatNumber(t.startLevel)} to ${formatNumber(t.finalLevel)} (${percent(drop)} lower; at least ${percent(settings.minProgress)} and a significant downward trend are expected, p = ${formatNumber(overall.pValue)}).`,
        range: { start: first, end: last },
        evidence: {
          startLevel: t.startLevel,
          finalLevel: t.finalLevel,
          relativeDrop: drop,
          pValue: overall.pValue,
        },
        advice: advice,
      },
    ];
  },
});
