import { formatNumber } from '../../format-number';
import { defineRule, type RuleFinding } from '../rule';

/**
 * `poor-initialization` (warn, judged at the first check only): a kernel's
 * weight variance is outside [`minVariance`, `maxVariance`] = [1e-5, 10]
 * (DeepDiagnosis), or more than `maxScaleRatio` (10) times, or less than
 * `minScaleRatio` (0.01) times, the scale 1 / fanIn (LeCun; He is 2 / fanIn,
 * Glorot 2 / (fanIn + fanOut), so both sit within a factor 2 of it).
 * An N(0, 1) initialization of a 784-input layer has 784x that scale.
 */
export const poorInitializationRule = defineRule({
  id: 'poor-initialization',
  title: 'Poor weight initialization',
  needs: ['weights'],
  defaults: { minVariance: 1e-5, maxVariance: 10, minScaleRatio: 0.01, maxScaleRatio: 10 },
  sources: [
    'DeepDiagnosis (weight variance outside [1e-5, 10])',
    'Glorot & Bengio 2010, He et al. 2015 (variance about 1 / fanIn to 2 / fanIn)',
  ],
  evaluate({ current, previous, thresholds }) {
    if (previous.some((m) => m.weights !== undefined)) return [];
    const findings: RuleFinding[] = [];
    for (const w of current.weights!) {
      if (!w.isKernel || !w.finite || w.fanIn <= 0) continue;
      const scaleRatio = w.variance * w.fanIn;
      const outside = w.variance < thresholds.minVariance || w.variance > thresholds.maxVariance;
      const offScale =
        scaleRatio > thresholds.maxScaleRatio || scaleRatio < thresholds.minScaleRatio;
      if (!outside && !offScale) continue;
      const tooLarge = w.variance > thresholds.maxVariance || scaleRatio > thresholds.maxScaleRatio;
      findings.push({
        severity: 'warn',
        subject: w.name,
        summary: `${w.name} starts with weight variance ${formatNumber(w.variance)}, ${formatNumber(scaleRatio)}x the 1/fanIn scale (fanIn ${w.fanIn}): too ${tooLarge ? 'large' : 'small'}`,
        evidence: {
          step: current.step,
          variable: w.name,
          variance: w.variance,
          fanIn: w.fanIn,
          scaleRatio,
        },
        advice: [
          `Use a fan-scaled initializer (Glorot for tanh/sigmoid/linear, He for ReLU) instead of a fixed standard deviation; here the variance should be about ${formatNumber(1 / w.fanIn)} to ${formatNumber(2 / w.fanIn)}.`,
        ],
      });
    }
    return findings;
  },
});
