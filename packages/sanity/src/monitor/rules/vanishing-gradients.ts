import { formatNumber } from '../../format-number';
import { defineRule } from '../rule';

/**
 * `vanishing-gradients` (warn): the first kernel's gradient norm is below
 * `minFirstNorm` (1e-4) and below `minFirstLastRatio` (1e-3) times the last
 * kernel's (AUTOTRAINER's rule), or the first kernel's mean |g| is below
 * `minMeanAbs` (1e-7; SageMaker Debugger's and DeepDiagnosis' threshold).
 * Measured: an 8-layer sigmoid MLP on MNIST has ratio 3e-5 and first norm 2e-5;
 * healthy ReLU MLP and CNN 0.07-3.7 and 0.2-1.1.
 */
export const vanishingGradientsRule = defineRule({
  id: 'vanishing-gradients',
  title: 'Vanishing gradients',
  needs: ['gradients'],
  defaults: { minFirstNorm: 1e-4, minFirstLastRatio: 1e-3, minMeanAbs: 1e-7 },
  sources: [
    'AUTOTRAINER (ratio < 1e-3 and first norm < 1e-4)',
    'SageMaker Debugger vanishing_gradient / DeepDiagnosis (mean |g| < 1e-7)',
  ],
  evaluate({ current, thresholds }) {
    const kernels = current.gradients!.filter((g) => g.isKernel && g.finite);
    if (kernels.length < 2) return [];
    const first = kernels[0]!;
    const last = kernels[kernels.length - 1]!;
    const ratio = first.norm / last.norm;
    const byRatio = first.norm < thresholds.minFirstNorm && ratio < thresholds.minFirstLastRatio;
    const byMean = first.meanAbs < thresholds.minMeanAbs && last.meanAbs >= thresholds.minMeanAbs;
    if (!byRatio && !byMean) return [];
    return [
      {
        severity: 'warn',
        subject: first.name,
        summary: `the first layer's gradient norm is ${formatNumber(first.norm)}, ${formatNumber(ratio)}x the last layer's (mean |g| ${formatNumber(first.meanAbs)}) at step ${current.step}: the early layers barely learn`,
        evidence: {
          step: current.step,
          firstNorm: first.norm,
          lastNorm: last.norm,
          ratio,
          firstMeanAbs: first.meanAbs,
        },
        advice: [
          'Use ReLU-family activations (or SELU) instead of sigmoid/tanh in deep stacks, He initialization, batch normalization, or residual connections.',
        ],
      },
    ];
  },
});
