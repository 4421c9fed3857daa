import { defineDiagnosisRule, formatNumber, percent } from '../rule';
import type { TrainingSetup } from '../verdict';

const batchAdvice = (setup: TrainingSetup): string => {
  const k = setup.accumulationSteps;
  const samples =
    setup.samplesPerUpdate === undefined
      ? ''
      : ` (now ${setup.samplesPerUpdate} samples per update)`;
  if (k === undefined) {
    return 'use larger batches, or accumulate gradients over several micro-batches (@trainkit/accumulate)';
  }
  if (k > 1) {
    return `accumulate over more micro-batches than the ${k} per update the run uses now, or use larger micro-batches${samples}: the noise falls as 1 / sqrt(samples per update)`;
  }
  return `use larger batches${samples}, or accumulate gradients over several micro-batches per update (@trainkit/accumulate)`;
};

const advice: readonly string[] = [
  batchAdvice({}),
  'lower the learning rate, or decay it',
  'smooth the plot (EMA) to see the trend',
];

/**
 * `noisy` (warning): training noise (robust sigma over the second half) >=
 * `noisyRatio` [0.2] x max(range of the second half's bucket medians, half
 * the final level). The advice knows the run's gradient accumulation (see
 * `TrainingSetup`): a run that accumulates is told to accumulate more.
 */
export const noisyRule = defineDiagnosisRule({
  id: 'noisy',
  title: 'Noisy training loss',
  needs: ['train'],
  defaults: { noisyRatio: 0.2 },
  limits: { noisyRatio: { min: 0, max: 100, minInclusive: false } },
  sources: ['trainkit default, set on the synthetic scenarios of the tests'],
  advice,
  evaluate({ measured, train: t, thresholds, setup }) {
    const { buckets, last } = measured.shape!;
    const xs = measured.curves.train.xs;
    const half = buckets.values.slice(Math.floor(buckets.values.length / 2));
    const visibleRange = Math.max(...half) - Math.min(...half);
    const noiseScale = Math.max(visibleRange, 0.5 * Math.abs(t.finalLevel));
    const noiseRatio = noiseScale > 0 ? t.noise / noiseScale : 0;
    if (!(noiseRatio >= thresholds.noisyRatio)) return [];
    return [
      {
        severity: 'warning',
        subject: 'training',
        summary: `The training loss is noisy: point-to-point noise ${formatNumber(t.noise)} is ${percent(noiseRatio)} of the curve's visible range ${formatNumber(noiseScale)} (limit ${percent(thresholds.noisyRatio)}).`,
        range: { start: xs[Math.floor(xs.length / 2)]!, end: last },
        evidence: { noise: t.noise, visibleRange: noiseScale, ratio: noiseRatio },
        advice: [batchAdvice(setup), ...advice.slice(1)],
      },
    ];
  },
});
