import { defineDiagnosisRule, formatNumber, percent } from '../rule';

const advice: readonly string[] = [
  'keep this setup; consider a learning-rate decay or a longer run for the last bit',
];

/**
 * `ideal` (info): no warning or critical verdict, both end trends flat, and
 * the relative gap within `gapTolerance` [0.2]. Runs only when the training
 * loss falls, without overfitting or validation-not-falling.
 */
export const idealRule = defineDiagnosisRule({
  id: 'ideal',
  title: 'Healthy curves',
  needs: ['train', 'validation'],
  unless: ['training-not-falling', 'overfitting', 'validation-not-falling'],
  defaults: {},
  sources: ['trainkit default, set on the synthetic scenarios of the tests'],
  advice,
  evaluate({ measured, train: t, validation: v, settings, found }) {
    const { trainAtEnd, relativeGap } = measured.endGap!;
    const tEnd = t.endTrend;
    const vEnd = v.endTrend;
    const problems = found.some((verdict) => verdict.severity !== 'info');
    if (
      problems ||
      tEnd?.direction !== 'flat' ||
      vEnd === undefined ||
      vEnd.direction !== 'flat' ||
      !(Math.abs(relativeGap) <= settings.gapTolerance)
    ) {
      return [];
    }
    return [
      {
        severity: 'info',
        subject: 'curves',
        summary: `Healthy curves: both flattened together (end-window change ${percent(tEnd.relativeChange)} training, ${percent(vEnd.relativeChange)} validation) with a small gap (validation ${formatNumber(v.finalLevel)} vs training ${formatNumber(trainAtEnd)}, ${percent(relativeGap)}).`,
        range: tEnd.range,
        evidence: {
          validation: v.finalLevel,
          training: trainAtEnd,
          relativeGap,
          trainingRelativeChange: tEnd.relativeChange,
          validationRelativeChange: vEnd.relativeChange,
        },
        advice: advice,
      },
    ];
  },
});
