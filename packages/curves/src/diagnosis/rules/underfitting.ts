import { defineDiagnosisRule, formatNumber, percent } from '../rule';
import type { WindowTrend } from '../verdict';

const sameRange = (a: WindowTrend, b: WindowTrend): boolean =>
  a.range.start === b.range.start && a.range.end === b.range.end;

const advice: readonly string[] = [
  'train longer: both curves are still falling',
  'raise the learning rate if the fall is slow and smooth',
  'if the curves flatten at a high loss, use a bigger model',
];

/**
 * `underfitting` (warning): both curves still fall at the end: one end-window
 * trend is falling by the strict rule and the other agrees (strictly
 * falling, or a fall of at least `minRelativeChange` over the window); with
 * no validation, training alone must be strictly falling. Each curve's change
 * is measured over the same end window (validation: its evaluations inside
 * it, at least the last 3), and the message names the iterations of each.
 * Runs only when the training loss falls.
 */
export const underfittingRule = defineDiagnosisRule({
  id: 'underfitting',
  title: 'Still learning (underfitting)',
  needs: ['train'],
  unless: ['training-not-falling'],
  defaults: {},
  sources: ['trainkit default, set on the synthetic scenarios of the tests'],
  advice,
  evaluate({ measured, train: t, settings }) {
    const tEnd = t.endTrend;
    const vEnd = measured.validation?.endTrend;
    // One curve must be falling by the strict rule and the other must agree (a fall of at least
    // minRelativeChange over the window); validation is then not needed to be significant with
    // its few points, nor noisy batch losses when a smooth validation curve clearly falls.
    const agrees = (trend: WindowTrend | undefined) =>
      trend !== undefined &&
      (trend.direction === 'falling' || trend.relativeChange <= -settings.minRelativeChange);
    const stillFalling =
      (tEnd?.direction === 'falling' && (vEnd === undefined || agrees(vEnd))) ||
      (vEnd?.direction === 'falling' && agrees(tEnd));
    if (tEnd === undefined || !stillFalling) return [];
    return [
      {
        severity: 'warning',
        subject: 'curves',
        summary: `Still learning: over iterations ${tEnd.range.start}-${tEnd.range.end} the training loss fell ${percent(-tEnd.relativeChange)} (p = ${formatNumber(tEnd.pValue)})${vEnd === undefined ? '' : ` and ${sameRange(tEnd, vEnd) ? '' : `over iterations ${vEnd.range.start}-${vEnd.range.end} `}the validation loss ${percent(-vEnd.relativeChange)} (p = ${formatNumber(vEnd.pValue)})`}; the run ended before the curves flattened.`,
        range: tEnd.range,
        evidence: {
          trainingRelativeChange: tEnd.relativeChange,
          trainingSlope: tEnd.slope,
          trainingPValue: tEnd.pValue,
          ...(vEnd === undefined
            ? {}
            : {
                validationRelativeChange: vEnd.relativeChange,
                validationSlope: vEnd.slope,
                validationPValue: vEnd.pValue,
              }),
        },
        advice: advice,
      },
    ];
  },
});
