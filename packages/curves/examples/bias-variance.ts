import { biasVariance } from '@trainkit/curves';

const result = biasVariance({ humanError: 1, trainingError: 5, devError: 8 });
console.log(result.avoidableBias, result.variance, result.focus); // 4 3 avoidable-bias
console.log(result.advice);
