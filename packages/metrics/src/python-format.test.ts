import { describe, expect, it } from 'vitest';
import { formatFixed } from './python-format';
import { loadTieFixture } from './test-helpers';

const fixture = loadTieFixture();

describe("formatFixed equals Python's '{:.<d>f}'.format of the same float", () => {
  it('on every decimal tie k/q (q <= 400, 1 to 4 digits), its neighbours and negatives', () => {
    expect(fixture.format.length).toBeGreaterThan(3000);
    const wrong = fixture.format.filter(([x, digits, text]) => formatFixed(x, digits) !== text);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('rounds half to even on the exact binary value (hand-checked)', () => {
    // 19/40 is 0.47499999999999997779... in binary: below the tie.
    expect(formatFixed(19 / 40, 2)).toBe('0.47');
    // Exact binary ties go to the even digit: 0.125 -> 0.12, 0.375 -> 0.38, 2.5 -> 2.
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(0.47500000000000003, 2)).toBe('0.48');
    expect(formatFixed(-0, 2)).toBe('-0.00');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
  });
});
