import { checkArguments, type LineChartVerticalLine, lineChartSvg } from '@trainkit/core';
import { formatNumber } from './format-number';
import type { RangeTestAnalysis } from './lr-range-analysis';

/** Options of {@link rangeTestSvg}. */
export interface RangeTestSvgOptions {
  /** Title above the plot. Default `'Learning-rate range test'`. */
  readonly title?: string;
  /** Width in pixels, an integer >= 160. Default 640. */
  readonly width?: number;
  /** Height in pixels, an integer >= 120. Default 360. */
  readonly height?: number;
  /** Also mark the peers' suggestions (valley, steepest). Default `true`. */
  readonly peers?: boolean;
}

/**
 * The range test as an SVG line chart: the raw loss, the debiased EMA and the
 * running median against log10(learning rate), with dashed vertical lines at
 * trainkit's suggestion and (optionally) the peers'. The y axis stops at 1.5x
 * the start level so that a divergence does not flatten the rest of the curve.
 *
 * @param analysis - From {@link analyzeRangeTest} (or the tfjs `rangeTest`).
 * @param options - {@link RangeTestSvgOptions}
 * @returns A standalone `<svg>` document.
 * @example
 * ```ts
 * writeFileSync('lr-finder.svg', rangeTestSvg(result.analysis));
 * ```
 */
export function rangeTestSvg(
  analysis: RangeTestAnalysis,
  options: RangeTestSvgOptions = {},
): string {
  const check = checkArguments('rangeTestSvg');
  if (typeof analysis !== 'object' || analysis === null || !Array.isArray(analysis.losses)) {
    check.fail('analysis', analysis, 'the result of analyzeRangeTest');
  }
  const x = analysis.learningRates.map((lr) => Math.log10(lr));
  const finite = analysis.losses.filter(Number.isFinite);
  const low = Math.min(...finite, analysis.descent.minimumLoss);
  const start = Number.isFinite(analysis.descent.startLoss)
    ? analysis.descent.startLoss
    : Math.max(...finite);
  const high = Math.max(start * 1.5, low + 1e-6);
  const lines: LineChartVerticalLine[] = [];
  if (analysis.suggestion !== undefined) {
    lines.push({
      x: Math.log10(analysis.suggestion),
      label: `trainkit ${formatNumber(analysis.suggestion)}`,
    });
  }
  if (options.peers ?? true) {
    const { valley, steepest } = analysis.peers;
    if (valley !== undefined) {
      lines.push({
        x: Math.log10(valley.learningRate),
        label: `valley ${formatNumber(valley.learningRate)}`,
      });
    }
    if (steepest !== undefined) {
      lines.push({
        x: Math.log10(steepest.learningRate),
        label: `steepest ${formatNumber(steepest.learningRate)}`,
      });
    }
  }
  const clip = (values: readonly number[]) => values.map((v) => (v > high ? Number.NaN : v));
  return lineChartSvg({
    title: options.title ?? 'Learning-rate range test',
    xLabel: 'log10(learning rate)',
    yLabel: 'loss',
    series: [
      { name: 'loss', x, y: clip(analysis.losses) },
      { name: 'EMA (0.98)', x, y: clip(analysis.smoothed) },
      {
        name: 'running median',
        x: x.slice(0, analysis.descent.curve.length),
        y: clip(analysis.descent.curve),
      },
    ],
    yRange: [Math.max(0, low - 0.05 * (high - low)), high],
    verticalLines: lines,
    legend: true,
    ...(options.width === undefined
      ? {}
      : { width: check.integer('width', options.width, { min: 160 }) }),
    ...(options.height === undefined
      ? {}
      : { height: check.integer('height', options.height, { min: 120 }) }),
  });
}
