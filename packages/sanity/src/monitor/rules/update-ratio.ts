import { median } from '@trainkit/stats';
import { formatNumber } from '../../format-number';
import { defineRule } from '../rule';

/**
 * `update-ratio` (the median over kernels of |Δw| / |w| for one step):
 * `warn` below `minRatio` (1e-5) or above `maxRatio` (0.1) on `patience` (2)
 * consecutive checks, `fail` above `failRatio` (10) at any check. The usual
 * healthy value is about 1e-3 (cs231n); DeepDiagnosis flags the effective
 * learning rate beyond 1e-3 x/÷ 100, SageMaker Debugger's `weight_update_ratio`
 * flags above 10 and below 1e-8. Measured on MNIST with Adam: 2e-3..4e-2 at
 * lr 1e-3..2e-3; 2e-6 at lr 1e-7; 200 at lr 10.
 */
export const updateRatioRule = defineRule({
  id: 'update-ratio',
  title: 'Update-to-weight ratio',
  needs: ['updates'],
  defaults: { minRatio: 1e-5, maxRatio: 0.1, failRatio: 10, patience: 2 },
  sources: [
    'DeepDiagnosis (1e-3 x/÷ 100)',
    'SageMaker Debugger weight_update_ratio (10, 1e-8)',
    'cs231n (~1e-3)',
  ],
  evaluate({ current, previous, thresholds }) {
    const ratioOf = (updates: readonly { isKernel: boolean; ratio: number }[]) => {
      const kernels = updates
        .filter((u) => u.isKernel && Number.isFinite(u.ratio))
        .map((u) => u.ratio);
      return kernels.length === 0 ? Number.NaN : median(kernels);
    };
    const ratio = ratioOf(current.updates!);
    if (Number.isNaN(ratio)) return [];
    const recent = [
      ...previous
        .filter((m) => m.updates !== undefined)
        .slice(-(thresholds.patience - 1))
        .map((m) => ratioOf(m.updates!)),
      ratio,
    ];
    const persistent = recent.length >= thresholds.patience;
    const evidence = {
      step: current.step,
      medianRatio: ratio,
      recent: recent.map(formatNumber).join(', '),
    };
    if (ratio > thresholds.failRatio) {
      return [
        {
          severity: 'fail',
          subject: 'too-large',
          summary: `one step changes the weights by ${formatNumber(ratio)}x their size at step ${current.step}: the learning rate is far too high`,
          evidence,
          advice: ['Lower the learning rate by several orders of magnitude (run the range test).'],
        },
      ];
    }
    if (persistent && recent.every((r) => r > thresholds.maxRatio)) {
      return [
        {
          severity: 'warn',
          subject: 'too-large',
          summary: `updates are ${formatNumber(ratio)} of the weights per step (about 1e-3 is usual) at step ${current.step}`,
          evidence,
          advice: ['The learning rate is probably too high: lower it (by 3-10x) or add warmup.'],
        },
      ];
    }
    if (persistent && recent.every((r) => r < thresholds.minRatio)) {
      return [
        {
          severity: 'warn',
          subject: 'too-small',
          summary: `updates are only ${formatNumber(ratio)} of the weights per step (about 1e-3 is usual) at step ${current.step}: the weights barely move`,
          evidence,
          advice: [
            'The learning rate is probably far too low: raise it (run the range test), or check that a schedule did not decay it to nothing.',
          ],
        },
      ];
    }
    return [];
  },
});
