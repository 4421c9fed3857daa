/**
 * The standard normal distribution, written out so that the package needs no
 * numeric dependency: the complementary error function (series below 1,
 * Lentz continued fraction above; relative error below 1e-13 against SciPy),
 * the two-sided tail probability and the quantile function (Acklam's rational
 * approximation polished with one Halley step), and the two-sided critical
 * value used by the trend tests and the profiler's time-to-trend estimate.
 */
import { checkArguments } from '@trainkit/core';

const sqrtPi = Math.sqrt(Math.PI);

/**
 * The complementary error function erfc(x) = 1 - erf(x) = 2/sqrt(pi) *
 * integral from x to infinity of exp(-t^2) dt: a Maclaurin series below 1, a
 * Lentz continued fraction above (relative error below 1e-13 against
 * `scipy.special.erfc`, far into the tail where 1 - erf(x) would round to 0).
 *
 * @param x - Any number (NaN gives NaN).
 * @returns erfc(x), in [0, 2].
 * @example
 * ```ts
 * erfc(0); // 1
 * erfc(3); // 2.2090496998585445e-5
 * ```
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1) return 1 - erfSeries(x);
  return erfcContinuedFraction(x);
}

/** Maclaurin series of erf; accurate to ~1e-16 absolute for |x| < 1. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / sqrtPi) * sum;
}

/**
 * erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
 * evaluated with the modified Lentz algorithm.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / sqrtPi / f;
}

/**
 * The two-sided tail probability P(|Z| >= |z|) of a standard normal Z,
 * `erfc(|z| / sqrt(2))`: the p-value of a z statistic.
 *
 * @param z - The statistic.
 * @returns The p-value in [0, 1].
 * @example
 * ```ts
 * twoSidedNormalPValue(1.959963984540054); // 0.05
 * ```
 */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * Standard normal cumulative distribution function Φ(z) (via a continued-fraction erfc).
 *
 * @param z - Any number.
 * @returns Φ(z) in [0, 1].
 * @example
 * ```ts
 * normalCdf(1.959963984540054); // 0.975
 * ```
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

const acklamA = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
];
const acklamB = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
];
const acklamC = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const acklamD = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/**
 * The p-quantile Φ⁻¹(p) of the standard normal distribution, 0 < p < 1: Acklam's
 * rational approximation refined by one Halley step (checked against SciPy's
 * `norm.ppf` to 1e-12 in the tests).
 *
 * @param p - The probability; 0 gives -Infinity, 1 gives Infinity, anything outside [0, 1] NaN.
 * @returns Φ⁻¹(p).
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  // Above the median, use the symmetry: 1 - p is exact there (Sterbenz), p itself is not precise enough.
  if (p > 0.5) return -normalQuantile(1 - p);
  const [a0, a1, a2, a3, a4, a5] = acklamA as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = acklamB as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = acklamC as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = acklamD as [number, number, number, number];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  }
  // One Halley step on F(x) - p brings the 1e-9 approximation to full precision.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Φ⁻¹(1 - alpha / 2), the two-sided critical value of the standard normal at
 * significance level `alpha` (full double precision, from {@link normalQuantile}).
 *
 * @param alpha - Significance level in (0, 1).
 * @returns The critical |z|, e.g. 1.959964 for 0.05.
 * @throws InvalidArgumentError for alpha outside (0, 1).
 * @example
 * ```ts
 * criticalZ(0.01); // 2.5758293035489004
 * ```
 */
export function criticalZ(alpha: number): number {
  checkArguments('criticalZ').number('alpha', alpha, {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
    fix: 'alpha is a significance level such as 0.05.',
  });
  return -normalQuantile(alpha / 2);
}
