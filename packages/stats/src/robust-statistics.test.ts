import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../../random.shared';
import { median, robustNoise } from './robust-statistics';

describe('median', () => {
  it('odd, even, unsorted, does not modify its input', () => {
    const values = [3, 1, 2, 10];
    expect(median(values)).toBe(2.5);
    expect(values).toEqual([3, 1, 2, 10]);
    expect(median([5, -1, 4])).toBe(4);
    expect(median(new Float32Array([7]))).toBe(7);
    expect(() => median([])).toThrow(InvalidArgumentError);
  });
});

describe('robustNoise', () => {
  it('recovers the standard deviation of Gaussian noise on a curving trend (within 3%)', () => {
    const normal = gaussian(seededRandom(11));
    const sigma = 0.3;
    const values = Array.from(
      { length: 20_000 },
      (_, t) => 0.2 + 2 * Math.exp(-t / 3_000) + sigma * normal(),
    );
    expect(robustNoise(values) / sigma).toBeGreaterThan(0.97);
    expect(robustNoise(values) / sigma).toBeLessThan(1.03);
  });
  it('ignores a linear trend and isolated spikes; 0 for too few points', () => {
    const line = Array.from({ length: 100 }, (_, t) => 5 - 0.03 * t);
    expect(robustNoise(line)).toBeCloseTo(0, 12);
    const spiky = [...line];
    spiky[10] = 100;
    spiky[60] = -50;
    expect(robustNoise(spiky)).toBeCloseTo(0, 12);
    // Hand-derived: [1, 1.1, 0.9, 1.1, 0.9, 1.1] has second differences [-0.3, 0.4, -0.4, 0.4],
    // median 0.05, absolute deviations [0.35, 0.35, 0.45, 0.35] with median 0.35.
    expect(robustNoise([1, 1.1, 0.9, 1.1, 0.9, 1.1])).toBeCloseTo(
      (1.482602218505602 * 0.35) / Math.sqrt(6),
      12,
    );
    expect(robustNoise([1, 2, 3])).toBe(0);
    expect(robustNoise([1, Number.NaN, 2, 3, Number.POSITIVE_INFINITY])).toBe(0);
  });
});
