import { checkArguments } from '@trainkit/core';

/**
 * Formats milliseconds for people: `0.42 ms`, `85.2 ms`, `12.3 s`,
 * `4 min 05 s`, `2 h 03 min`, `3 d 04 h`. `Infinity` (a time that never
 * comes, e.g. a trend that cannot become significant) prints as `∞`.
 *
 * @param ms - A duration in milliseconds: a number >= 0, or `Infinity`.
 * @returns The formatted duration.
 * @throws InvalidArgumentError for NaN, a negative duration or `-Infinity`.
 *
 * @example
 * ```ts
 * formatDuration(245_000); // '4 min 05 s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms === Number.POSITIVE_INFINITY) return '∞';
  if (typeof ms !== 'number' || !(ms >= 0)) {
    checkArguments('formatDuration').fail(
      'ms',
      ms,
      'a duration in milliseconds >= 0 (or Infinity)',
      'A negative or NaN duration comes from clocks that went back or from missing data.',
    );
  }
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.round(seconds);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  }
  const totalMinutes = Math.round(seconds / 60);
  if (totalMinutes < 24 * 60) {
    return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, '0')} min`;
  }
  const totalHours = Math.round(seconds / 3600);
  return `${Math.floor(totalHours / 24)} d ${String(totalHours % 24).padStart(2, '0')} h`;
}
