import { createRandom } from '@trainkit/stats';
import { describe, expect, it } from 'vitest';
import { encodeLabels } from './encode-labels';
import { blockPartition, drawPartition, partsOf } from './partition';
import { expectPartition } from './test-helpers';

describe('drawPartition (sequential draws without replacement)', () => {
  it('gives exactly the requested per-class part sizes, parts ascending', () => {
    const codes = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 3);
    const cells = Int32Array.from([300, 34, 0, 33, 100, 200, 1, 1, 331]); // 3 classes x 3 parts
    const partition = drawPartition(
      encodeLabels('test', 'labels', codes, 1000),
      cells,
      3,
      1000,
      createRandom({ seed: 1 }),
    );
    const parts = partsOf(partition);
    expectPartition(parts, 1000);
    const counts = new Int32Array(9);
    parts.forEach((part, p) => {
      for (const i of part) counts[codes[i]! * 3 + p]! += 1;
    });
    expect(Array.from(counts)).toEqual(Array.from(cells));
  });

  it('follows its definition: r = nextInt(open total), first part whose cumulative open count exceeds r', () => {
    const parts = partsOf(
      drawPartition(undefined, Int32Array.from([3, 2, 2]), 3, 7, createRandom({ seed: 8 })),
    );
    const random = createRandom({ seed: 8 });
    const open = [3, 2, 2];
    const expected: number[][] = [[], [], []];
    for (let i = 0; i < 7; i++) {
      let r = random.nextInt(7 - i);
      let p = 0;
      while (r >= open[p]!) r -= open[p++]!;
      open[p]! -= 1;
      expected[p]!.push(i);
    }
    expect(parts.map((part) => Array.from(part))).toEqual(expected);
  });

  it('makes every arrangement equally likely (4 samples into sizes [2, 2]: 6 arrangements)', () => {
    const seen = new Map<string, number>();
    const runs = 12_000;
    for (let seed = 0; seed < runs; seed++) {
      const [first] = partsOf(
        drawPartition(undefined, Int32Array.from([2, 2]), 2, 4, createRandom({ seed })),
      );
      const key = Array.from(first!).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['01', '02', '03', '12', '13', '23']);
    // Chi-square with 5 degrees of freedom; 20.5 is the 0.999 quantile.
    const chiSquare = [...seen.values()].reduce(
      (sum, count) => sum + (count - runs / 6) ** 2 / (runs / 6),
      0,
    );
    expect(chiSquare).toBeLessThan(20.5);
  });
});

describe('blockPartition', () => {
  it('fills parts class by class in index order', () => {
    const codes = Int32Array.from([0, 1, 0, 1, 0, 1, 0]);
    const parts = partsOf(
      blockPartition(encodeLabels('test', 'labels', codes, 7), Int32Array.from([3, 1, 1, 2]), 2, 7),
    );
    expect(parts.map((p) => Array.from(p))).toEqual([
      [0, 1, 2, 4],
      [3, 5, 6],
    ]);
  });
});
