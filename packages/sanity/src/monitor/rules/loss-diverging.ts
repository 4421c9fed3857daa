import { median } from '@trainkit/stats';
import { formatNumber } from '../../format-number';
import { defineRule } from '../rule';

/**
 * `loss-diverging` (fail): the median of the last `smoothing` (10) losses is
 * above `divergenceFactor` (4) times the lowest such median so far (the start
 * level included) — the range test's stop rule (fastai, Lightning: 4x the best
 * smoothed loss), on a lag-free running median.
 */
export const lossDivergingRule = defineRule({
  id: 'loss-diverging',
  title: 'Loss diverging',
  needs: ['loss'],
  defaults: { divergenceFactor: 4, smoothing: 10 },
  sources: ['fastai lr_find / Lightning LearningRateFinder (stop at 4x the best smoothed loss)'],
  evaluate({ current, losses, thresholds }) {
    const k = Math.max(1, Math.round(thresholds.smoothing));
    const finite = losses.values.filter(Number.isFinite);
    if (finite.length < k) return [];
    let best = Number.isFinite(losses.startLevel) ? losses.startLevel : Number.POSITIVE_INFINITY;
    for (let end = k; end <= finite.length; end += Math.max(1, Math.floor(k / 2))) {
      best = Math.min(best, median(finite.slice(end - k, end)));
    }
    const level = median(finite.slice(-k));
    best = Math.min(best, level);
    if (!(level > thresholds.divergenceFactor * best)) return [];
    return [
      {
        severity: 'fail',
        subject: 'loss',
        summary: `the loss is ${formatNumber(level)} at step ${current.step}, ${formatNumber(level / best)}x its best level ${formatNumber(best)}: training diverges`,
        evidence: { step: current.step, level, best, factor: level / best },
        advice: ['Lower the learning rate (by 10x), add warmup or gradient clipping.'],
      },
    ];
  },
});
