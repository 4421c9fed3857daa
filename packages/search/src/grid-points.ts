import { checkArguments } from '@trainkit/core';
import type { Parameter, ParameterValue } from './space';

/**
 * Rounds to 12 significant digits, so that `10 ** -3` prints as `0.001`
 * instead of `0.0010000000000000002` (grid points are display values).
 */
export function roundSignificant(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(12));
}

/** `count` evenly spaced numbers from `start` to `end` inclusive (the midpoint when count is 1). */
export function linspace(start: number, end: number, count: number): number[] {
  if (count === 1) return [(start + end) / 2];
  return Array.from({ length: count }, (_, i) =>
    i === count - 1 ? end : start + ((end - start) * i) / (count - 1),
  );
}

/**
 * The grid values of one parameter.
 *
 * - categorical: every value;
 * - uniform: `count` evenly spaced points from low to high inclusive;
 * - log-uniform: `count` geometrically spaced points (evenly spaced in log10)
 *   from low to high inclusive, rounded to 12 significant digits;
 * - integer: `count` points evenly spaced (in log space when `log`) rounded
 *   to the step grid, duplicates removed; every value when there are at most
 *   `count` of them.
 *
 * With `count` 1 a range gives its midpoint (the geometric mean for log
 * ranges).
 *
 * @param parameter - The parameter.
 * @param count - Points for a range, an integer >= 1 (ignored for categorical).
 * @returns The values in increasing order (categorical: as listed).
 *
 * @example
 * ```ts
 * gridPoints(logUniform(1e-4, 1e-1), 4); // [0.0001, 0.001, 0.01, 0.1]
 * ```
 */
export function gridPoints(parameter: Parameter, count: number): ParameterValue[] {
  checkArguments('gridPoints').integer('count', count, { min: 1 });
  switch (parameter.kind) {
    case 'categorical':
      return [...parameter.values];
    case 'uniform':
      return linspace(parameter.low, parameter.high, count);
    case 'log-uniform': {
      const points = linspace(Math.log10(parameter.low), Math.log10(parameter.high), count).map(
        (t) => roundSignificant(10 ** t),
      );
      if (count > 1) {
        points[0] = parameter.low;
        points[count - 1] = parameter.high;
      }
      return points;
    }
    case 'integer': {
      const { low, high, step, log } = parameter;
      const available = (high - low) / step + 1;
      if (available <= count) return Array.from({ length: available }, (_, i) => low + i * step);
      const raw = log
        ? linspace(Math.log(low), Math.log(high), count).map((t) => Math.exp(t))
        : linspace(low, high, count);
      const snapped = raw.map((v) =>
        Math.min(high, Math.max(low, low + Math.round((v - low) / step) * step)),
      );
      return [...new Set(snapped)];
    }
  }
}
