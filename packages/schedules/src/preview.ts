import { checkArguments, formatTick, lineChartSvg, lineChartTerminal } from '@trainkit/core';
import type { Schedule } from './schedule';

/** Options of {@link previewSchedule}. */
export interface PreviewScheduleOptions {
  /** Plot steps `0 … steps − 1`, an integer `>= 2`. */
  readonly steps: number;
  /** `'text'` for a terminal, `'svg'` for a file or a report. Default `'text'`. */
  readonly format?: 'text' | 'svg';
  /** Title above the plot. */
  readonly title?: string;
  /** `'log'` for schedules spanning decades. Default `'linear'`. */
  readonly yScale?: 'linear' | 'log';
  /** Characters (text) or pixels (SVG). Defaults: 72 characters, 640 px. */
  readonly width?: number;
  /** Plot rows (text) or pixels (SVG). Defaults: 12 rows, 360 px. */
  readonly height?: number;
  /** Text only: `'ascii'` or `'braille'`. Default `'ascii'`. */
  readonly style?: 'ascii' | 'braille';
  /** Text only: ANSI colors. Default `false`. */
  readonly color?: boolean;
  /** At most this many evaluated steps (evenly spaced, integers), `>= 2`. Default 2000. */
  readonly maxPoints?: number;
}

/**
 * Draws one or several schedules over their first `steps` steps, as text for a
 * terminal or as an SVG document, with the shared line charts of
 * `@trainkit/core`. The text form ends with one summary line per schedule
 * (first value, peak, last value).
 *
 * @param schedules - A schedule, or named schedules (`{ lr: …, momentum: … }`).
 * @param options - {@link PreviewScheduleOptions}
 * @returns The chart: lines of text, or SVG markup.
 * @example
 * ```ts
 * console.log(previewSchedule(oneCycle({ maxValue: 0.1, totalSteps: 1000 }), { steps: 1000 }));
 * writeFileSync('schedule.svg', previewSchedule(schedule, { steps: 1000, format: 'svg' }));
 * ```
 */
export function previewSchedule(
  schedules: Schedule | Readonly<Record<string, Schedule>>,
  options: PreviewScheduleOptions,
): string {
  const name = 'previewSchedule';
  const check = checkArguments(name);
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an options object', 'Give at least { steps }.');
  }
  const named: [string, Schedule][] =
    typeof schedules === 'function'
      ? [['schedule', schedules]]
      : typeof schedules === 'object' && schedules !== null
        ? Object.entries(schedules)
        : [];
  if (named.length === 0) {
    check.fail('schedules', schedules, 'a schedule or a non-empty object of named schedules');
  }
  for (const [key, schedule] of named) check.callable(`schedules.${key}`, schedule);
  const steps = check.integer('steps', options.steps, { min: 2 });
  const format = check.oneOf('format', options.format ?? 'text', ['text', 'svg']);
  const maxPoints = check.integer('maxPoints', options.maxPoints ?? 2000, { min: 2 });

  const count = Math.min(steps, maxPoints);
  const x = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    x[index] = count === steps ? index : Math.round((index * (steps - 1)) / (count - 1));
  }
  const series = named.map(([label, schedule]) => ({
    name: label,
    x,
    y: x.map((step) => schedule(step)),
  }));
  const common = {
    series,
    xLabel: 'step',
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.yScale === undefined ? {} : { yScale: options.yScale }),
    ...(options.width === undefined ? {} : { width: options.width }),
    ...(options.height === undefined ? {} : { height: options.height }),
  };
  if (format === 'svg') return lineChartSvg(common);
  const chart = lineChartTerminal({
    ...common,
    ...(options.style === undefined ? {} : { style: options.style }),
    ...(options.color === undefined ? {} : { color: options.color }),
  });
  const summaries = series.map(({ name: label, y }) => {
    let peak = 0;
    y.forEach((value, index) => {
      if (value > (y[peak] as number)) peak = index;
    });
    const last = count - 1;
    return `${label}: step 0 = ${formatTick(y[0] as number)}, peak ${formatTick(y[peak] as number)} at step ${x[peak]}, step ${x[last]} = ${formatTick(y[last] as number)}`;
  });
  return `${chart}\n${summaries.join('\n')}`;
}
