import { formatNumber } from '../../format-number';
import { defineRule, type RuleFinding } from '../rule';

/**
 * `exploding-gradients` (fail): the global gradient norm (all variables) is
 * above `maxNorm` (100), or has grown `growthFactor` (100) times above its value
 * at the first check, or the first kernel's gradient norm is more than
 * `maxFirstLastRatio` (70) times the last kernel's.
 *
 * Defaults: the ratio 70 is AUTOTRAINER's; the absolute norm 100 and the
 * growth 100x are trainkit's, for a batch-mean loss of order 1 (healthy MNIST
 * MLP and CNN: global norm 0.3-3, first/last ratio 0.07-3.7; N(0, 1)-initialized
 * MLP: about 250). Raise `maxNorm` for losses summed over the batch.
 */
export const explodingGradientsRule = defineRule({
  id: 'exploding-gradients',
  title: 'Exploding gradients',
  needs: ['gradients'],
  defaults: { maxNorm: 100, growthFactor: 100, maxFirstLastRatio: 70 },
  sources: [
    'AUTOTRAINER (first/last kernel gradient ratio > 70)',
    'trainkit (global norm > 100, growth > 100x; measured on MNIST)',
  ],
  evaluate({ current, previous, thresholds }) {
    const gradients = current.gradients!;
    const findings: RuleFinding[] = [];
    const globalNorm = Math.sqrt(gradients.reduce((sum, g) => sum + g.norm * g.norm, 0));
    const first = previous.find((m) => m.gradients !== undefined)?.gradients;
    const firstNorm =
      first === undefined
        ? globalNorm
        : Math.sqrt(first.reduce((sum, g) => sum + g.norm * g.norm, 0));
    const kernels = gradients.filter((g) => g.isKernel);
    const ratio =
      kernels.length >= 2 ? kernels[0]!.norm / kernels[kernels.length - 1]!.norm : Number.NaN;
    const advice = [
      'Clip gradients (global norm 1 to 5), lower the learning rate, and check the initialization scale (Glorot/He) and input normalization; batch normalization helps deep nets.',
    ];
    if (globalNorm > thresholds.maxNorm || globalNorm > thresholds.growthFactor * firstNorm) {
      findings.push({
        severity: 'fail',
        subject: 'gradients',
        summary: `the global gradient norm is ${formatNumber(globalNorm)} at step ${current.step} (${globalNorm > thresholds.maxNorm ? `above ${formatNumber(thresholds.maxNorm)}` : `${formatNumber(globalNorm / firstNorm)}x its first value ${formatNumber(firstNorm)}`})`,
        evidence: { step: current.step, globalNorm, firstNorm },
        advice,
      });
    }
    if (ratio > thresholds.maxFirstLastRatio) {
      findings.push({
        severity: 'fail',
        subject: 'first-last-ratio',
        summary: `the first layer's gradient norm is ${formatNumber(ratio)}x the last layer's at step ${current.step}`,
        evidence: {
          step: current.step,
          ratio,
          first: kernels[0]!.name,
          last: kernels[kernels.length - 1]!.name,
        },
        advice,
      });
    }
    return findings;
  },
});
