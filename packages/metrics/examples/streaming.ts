// Streaming classification metrics over batches, the report and the matrix as text.
import {
  accuracy,
  classificationReport,
  cohenKappa,
  confusionMatrixFromJSON,
  confusionMatrixToArray,
  confusionMatrixToJSON,
  confusionMatrixToText,
  createConfusionMatrix,
  f1Score,
  matthewsCorrelation,
  mergeConfusionMatrices,
  updateConfusionMatrix,
} from '@trainkit/metrics';

const classNames = ['cat', 'dog', 'bird'];
const batches = [
  { labels: [0, 1, 2, 2, 0], predictions: [0, 2, 2, 2, 0] },
  { labels: new Int32Array([1, 0, 2, 1]), predictions: new Int32Array([1, 0, 1, 1]) },
];

// One state per evaluation; update it batch by batch.
const state = createConfusionMatrix(classNames.length);
for (const batch of batches) updateConfusionMatrix(state, batch.labels, batch.predictions);

console.log(accuracy(state)); // 0.7777777777777778
console.log(f1Score(state, { average: 'macro' })); // 0.7777777777777777
console.log(cohenKappa(state), matthewsCorrelation(state)); // 0.6666666666666667 0.6666666666666666
console.log(classificationReport(state, { classNames }));
console.log(confusionMatrixToText(state, { classNames }));
// Rows are true classes; normalize='true' gives the recall of each class on the diagonal.
console.log(confusionMatrixToArray(state, { normalize: 'true' }));

// Merge folds or workers; checkpoint and restore exactly.
const other = createConfusionMatrix(3);
updateConfusionMatrix(other, [2], [2], { sampleWeight: [0.5] });
const merged = mergeConfusionMatrices(
  confusionMatrixFromJSON(JSON.stringify(confusionMatrixToJSON(state))),
  other,
);
console.log(confusionMatrixToArray(merged)); // [[3, 0, 0], [0, 2, 1], [0, 1, 2.5]]
