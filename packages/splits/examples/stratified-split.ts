import { trainValidationTestSplit } from '@trainkit/splits';

// 550 samples of 10 classes: class c has 10 * (c + 1) samples.
const labels = Int32Array.from(
  Array.from({ length: 10 }, (_, c) => new Array(10 * (c + 1)).fill(c)).flat(),
);
const { train, validation, test } = trainValidationTestSplit(labels.length, {
  ratios: [0.8, 0.1, 0.1],
  stratify: labels,
  seed: 42,
});
console.log([train.length, validation.length, test.length]);
// test holds c + 1 samples of class c: exactly 10% of every class.
const testCounts = new Array(10).fill(0);
for (const i of test) testCounts[labels[i]!]++;
console.log(testCounts.join(' '));
