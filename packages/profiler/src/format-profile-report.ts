import { checkArguments } from '@trainkit/core';
import type { TimeEstimate, TimeEstimates } from './estimate-times';
import { formatDuration } from './format-duration';
import type { PhaseStatistics, ProfileReport } from './summarize-profile';
import type { TrendEstimate } from './trend-estimate';

/** Options of {@link formatProfileReport}. */
export interface FormatProfileReportOptions {
  /** Adds the time per epoch and the time to finish. */
  readonly estimates?: TimeEstimates;
  /** Adds the time until the loss curve shows a clear trend. */
  readonly trend?: TrendEstimate;
}

const pad = (text: string, width: number): string => text.padEnd(width);
const padLeft = (text: string, width: number): string => text.padStart(width);

function range(estimate: TimeEstimate): string {
  return `${formatDuration(estimate.expectedMs)} (range ${formatDuration(estimate.lowMs)} to ${formatDuration(estimate.highMs)}, ${estimate.iterations} iterations)`;
}

/**
 * Renders a report as plain text: a header with iteration time and
 * throughput, a table of phases (mean, median, p95, share), the bottleneck
 * with advice, warnings, and optional estimates.
 *
 * @param report - From `summarizeProfile`.
 * @param options - Optional estimates to append.
 * @returns Lines joined with `\n`, no trailing newline.
 * @throws InvalidArgumentError when `report` is not a report from `summarizeProfile`.
 *
 * @example
 * ```ts
 * console.log(formatProfileReport(summarizeProfile(profiler.state())));
 * ```
 */
export function formatProfileReport(
  report: ProfileReport,
  options: FormatProfileReportOptions = {},
): string {
  const check = checkArguments('formatProfileReport');
  options = check.options('options', options, '{ estimates }');
  if (
    typeof report !== 'object' ||
    report === null ||
    typeof report.iterations !== 'number' ||
    !Array.isArray(report.phases) ||
    typeof report.unattributed !== 'object' ||
    !Array.isArray(report.warnings)
  ) {
    check.fail('report', report, 'a ProfileReport', 'Pass the result of summarizeProfile(state).');
  }
  const lines: string[] = [];
  if (report.iterations === 0) {
    lines.push(
      `Profile: no iterations to summarize (${report.totalIterations} completed in total).`,
    );
  } else {
    const it = report.iteration;
    lines.push(
      `Profile: ${report.iterations} iterations (${report.firstIteration} to ${report.firstIteration + report.iterations - 1}); ` +
        `iteration mean ${formatDuration(it.meanMs)}, median ${formatDuration(it.medianMs)}, p95 ${formatDuration(it.p95Ms)}, max ${formatDuration(it.maxMs)}.`,
    );
    const perSecond = report.throughput;
    lines.push(
      `Throughput: ${perSecond.iterationsPerSecond.toFixed(2)} iterations/s` +
        (perSecond.samplesPerSecond === null
          ? '.'
          : `, ${perSecond.samplesPerSecond.toFixed(1)} samples/s.`),
    );
    const rows: PhaseStatistics[] = [...report.phases, report.unattributed];
    const nameWidth = Math.max(12, ...rows.map((row) => row.name.length)) + 2;
    lines.push(
      pad('phase', nameWidth) +
        padLeft('mean', 11) +
        padLeft('median', 11) +
        padLeft('p95', 11) +
        padLeft('share', 8),
    );
    for (const row of rows) {
      lines.push(
        pad(row.name, nameWidth) +
          padLeft(formatDuration(row.meanMs), 11) +
          padLeft(formatDuration(row.medianMs), 11) +
          padLeft(formatDuration(row.p95Ms), 11) +
          padLeft(`${(row.share * 100).toFixed(1)}%`, 8),
      );
    }
  }
  if (report.bottleneck !== null) {
    lines.push(`Bottleneck: ${report.bottleneck.summary}`);
    for (const advice of report.bottleneck.advice) lines.push(`  - ${advice}`);
  }
  for (const warning of report.warnings) {
    lines.push(`Warning: ${warning.message}`);
    if (warning.kind === 'phase-share')
      for (const advice of warning.advice) lines.push(`  - ${advice}`);
  }
  const { estimates, trend } = options;
  if (estimates?.epoch) lines.push(`Time per epoch: ${range(estimates.epoch)}.`);
  if (estimates?.remaining) lines.push(`Time to finish: ${range(estimates.remaining)}.`);
  if (trend !== undefined) lines.push(`Loss trend: ${trend.message}`);
  return lines.join('\n');
}
