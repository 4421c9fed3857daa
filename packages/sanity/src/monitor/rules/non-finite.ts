import { formatNumber } from '../../format-number';
import { defineRule, type RuleFinding } from '../rule';

/**
 * `non-finite` (fail): a NaN or infinite loss since the last check, or a
 * gradient or weight with NaN/infinite entries. Optionally a finite loss above
 * `maxLoss` (AUTOTRAINER flags a loss >= 1e3; off by default, since a summed
 * or regression loss can legitimately be large).
 *
 * Sources: SageMaker Debugger `exploding_tensor` (any NaN/Inf), AUTOTRAINER
 * (NaN/Inf loss, loss >= 1e3), Keras `TerminateOnNaN`.
 */
export const nonFiniteRule = defineRule({
  id: 'non-finite',
  title: 'NaN or infinite loss, gradients or weights',
  needs: ['loss'],
  defaults: { maxLoss: Number.POSITIVE_INFINITY },
  sources: [
    'SageMaker Debugger exploding_tensor',
    'AUTOTRAINER NaN loss (loss >= 1e3)',
    'Keras TerminateOnNaN',
  ],
  evaluate({ current, previous, losses, thresholds }) {
    const findings: RuleFinding[] = [];
    const since =
      previous.length > 0 ? previous[previous.length - 1]!.step : Number.NEGATIVE_INFINITY;
    for (let i = 0; i < losses.values.length; i++) {
      const value = losses.values[i]!;
      if (losses.steps[i]! < since) continue;
      if (!Number.isFinite(value) || value > thresholds.maxLoss) {
        findings.push({
          severity: 'fail',
          subject: 'loss',
          summary: `the loss is ${formatNumber(value)} at step ${losses.steps[i]}`,
          evidence: { step: losses.steps[i]!, loss: formatNumber(value) },
          advice: [
            'Lower the learning rate (by 10x), clip gradients (e.g. global norm 1 to 5), and look for log(0) or division by zero in the loss and for NaN in the inputs.',
          ],
        });
        break;
      }
    }
    const bad = [
      ...(current.gradients ?? [])
        .filter((g) => !g.finite)
        .map((g) => ({ name: g.name, what: 'gradient' })),
      ...(current.weights ?? [])
        .filter((w) => !w.finite)
        .map((w) => ({ name: w.name, what: 'weights' })),
    ];
    for (const { name, what } of bad) {
      findings.push({
        severity: 'fail',
        subject: name,
        summary: `the ${what} of ${name} contain NaN or infinite values at step ${current.step}`,
        evidence: { step: current.step, variable: name, part: what },
        advice: [
          'Training has blown up: lower the learning rate, add gradient clipping, and check the initialization scale.',
        ],
      });
    }
    return findings;
  },
});
