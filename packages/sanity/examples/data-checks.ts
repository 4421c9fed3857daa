import {
  checkDuplicates,
  checkInputScale,
  checkLabels,
  createTestSplitGuard,
  formatReport,
  openTestSplit,
  sanityReport,
  TestSplitOpenedError,
  testSplitGuardToJSON,
} from '@trainkit/sanity';

// 6 training rows and 2 test rows of 4 values each; test row 1 is also training row 4 (a leak).
const train = Float32Array.of(
  0,
  0,
  0,
  1,
  0,
  0,
  1,
  0,
  0,
  1,
  0,
  0,
  1,
  0,
  0,
  0,
  9,
  9,
  9,
  9,
  255,
  0,
  0,
  0,
);
const test = Float32Array.of(5, 5, 5, 5, 9, 9, 9, 9);
const labels = Int32Array.of(1, 2, 3, 1, 2, 3); // 1..3 for 3 classes: shifted by one

const report = sanityReport([
  checkLabels(labels, { classes: 3 }),
  checkInputScale(train, { rowLength: 4 }),
  checkDuplicates({ train, test }, { rowLength: 4 }),
]);
console.log(formatReport(report));

// The test split opens once; the state is persisted between runs.
let guard = createTestSplitGuard();
guard = openTestSplit(guard, { reason: 'final evaluation', now: new Date('2025-06-01T12:00:00Z') });
console.log(JSON.stringify(testSplitGuardToJSON(guard)));
try {
  openTestSplit(guard, { reason: 'just one more look' });
} catch (error) {
  console.log(TestSplitOpenedError.isInstance(error));
}
