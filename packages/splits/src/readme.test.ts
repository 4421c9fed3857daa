// The README examples (examples/*.ts, shown verbatim) run as a user writes them; the output
// blocks are compared line for line, and the claims of their comments are checked here.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';
import { kFold, splitSizes, trainTestSplit } from './index';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describeReadmeExamples(import.meta.url, {
  'examples/stratified-split.ts': ([sizes, testCounts]) => {
    expect(sizes).toBe('[ 440, 55, 55 ]');
    // c + 1 samples of class c: 10% of each class's 10 * (c + 1).
    expect(testCounts!.split(' ').map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  },
  'examples/mini-batches.ts': (printed) => {
    for (const epoch of [0, 1]) {
      const order = printed
        .filter((line) => line.startsWith(`epoch ${epoch}: `))
        .flatMap((line) => line.slice(9).split(' ').map(Number));
      // Every training index exactly once per epoch.
      expect([...order].sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    }
  },
  'examples/tensor-batches.ts': (printed) => {
    expect(printed.at(-1)).toBe('0 tensors left');
  },
});

it('rounding rules stated in the README', () => {
  expect(Array.from(splitSizes(11, [0.8, 0.2]))).toEqual([9, 2]);
  const { train, test } = trainTestSplit(11, { testSize: 0.2, seed: 0 });
  expect([train.length, test.length]).toEqual([8, 3]);
  expect(Array.from(kFold(10, { k: 3 }).validationSizes)).toEqual([4, 3, 3]);
  expect(readme).toContain('splitSizes(11, [0.8, 0.2]); // Int32Array [9, 2]');
});
