import { crossValidate, stratifiedKFold } from '@trainkit/splits';

const n = 100;
const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
const folds = stratifiedKFold(n, { k: 5, labels, shuffle: true, seed: 0 });
const result = await crossValidate(folds, async (fold) => {
  // Train on fold.train, evaluate on fold.validation; here a stand-in metric:
  const positives = fold.validation.filter((i) => labels[i] === 1).length;
  return { positiveRate: positives / fold.validation.length, size: fold.validation.length };
});
console.log(result.folds.map((metrics) => metrics.size)); // per-fold metrics, in fold order
console.log(result.mean.positiveRate, result.std.positiveRate); // std: population, like np.std
