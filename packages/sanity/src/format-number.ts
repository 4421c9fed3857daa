/**
 * A number for a report: integers as they are, others with 4 significant
 * digits (exponent notation below 1e-3 or from 1e6).
 *
 * @param value - Any number.
 * @returns Its short text form.
 * @example
 * ```ts
 * formatNumber(2.302585); // '2.303'
 * formatNumber(0.00001234); // '1.234e-5'
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
    return value
      .toExponential(3)
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  }
  return String(Number(value.toPrecision(4)));
}
