import { mannKendall, median } from '@trainkit/stats';
import { formatNumber } from '../../format-number';
import { defineRule } from '../rule';

/**
 * `loss-not-decreasing` (warn): once `window` (100) losses are recorded, the
 * median of the last half-window is still within `minRelativeDrop` (5%) of the
 * start level (median of the first 10 losses), and a one-sided Mann-Kendall
 * test over the last `window` losses finds no decrease (p >= `alpha`, 0.01).
 * Judged against the start, so a run that has learned and then plateaus is not
 * flagged (that is @trainkit/curves' diagnosis).
 *
 * Source: SageMaker Debugger `loss_not_decreasing` (num_steps 10, diff_percent
 * 0.1), made robust to mini-batch noise with a rank test.
 */
export const lossNotDecreasingRule = defineRule({
  id: 'loss-not-decreasing',
  title: 'Loss not decreasing',
  needs: ['loss'],
  defaults: { window: 100, minRelativeDrop: 0.05, alpha: 0.01 },
  sources: [
    'SageMaker Debugger loss_not_decreasing (10 steps, 0.1%)',
    'trainkit (Mann-Kendall over a window)',
  ],
  evaluate({ current, losses, thresholds }) {
    const window = Math.max(10, Math.round(thresholds.window));
    const values = losses.values;
    if (values.length < window || !Number.isFinite(losses.startLevel)) return [];
    const recent = values.slice(-window);
    if (!recent.every(Number.isFinite)) return [];
    const level = median(recent.slice(-Math.floor(window / 2)));
    const drop = (losses.startLevel - level) / Math.abs(losses.startLevel);
    if (drop >= thresholds.minRelativeDrop) return [];
    const mk = mannKendall(recent);
    const pDecreasing = mk.s < 0 ? mk.pValue / 2 : 1 - mk.pValue / 2;
    if (pDecreasing < thresholds.alpha) return [];
    return [
      {
        severity: 'warn',
        subject: 'loss',
        summary: `after ${values.length} steps the loss is ${formatNumber(level)}, ${formatNumber(100 * drop)}% below its start ${formatNumber(losses.startLevel)}, and not falling (p = ${formatNumber(pDecreasing)}) at step ${current.step}`,
        evidence: {
          step: current.step,
          startLevel: losses.startLevel,
          level,
          relativeDrop: drop,
          pValue: pDecreasing,
        },
        advice: [
          'Nothing is being learned: check the learning rate (too low, or a schedule at 0), that gradients reach the weights (frozen layers, dead units, vanishing gradients), and that the labels match the inputs.',
        ],
      },
    ];
  },
});
