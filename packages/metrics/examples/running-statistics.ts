// The epoch's training loss as the sample-weighted mean of its minibatch losses
// ("the training error is the average minibatch error"). Smoothing a loss curve
// (TensorBoard's EMA, trailing window means) is in @trainkit/stats.
import {
  createRunningMean,
  cumulativeMean,
  runningMeanValue,
  updateRunningMean,
} from '@trainkit/metrics';

const minibatches = [
  { loss: 0.9, size: 64 },
  { loss: 0.7, size: 64 },
  { loss: 0.6, size: 64 },
  { loss: 0.8, size: 16 }, // the last, partial batch weighs less
];

const epochLoss = createRunningMean();
for (const { loss, size } of minibatches) updateRunningMean(epochLoss, loss, size);
console.log(runningMeanValue(epochLoss)); // 0.7384615384615384 = (0.9·64 + 0.7·64 + 0.6·64 + 0.8·16) / 208

// The same number for a whole series at once: the running mean after every batch.
const losses = minibatches.map((b) => b.loss);
const curve = cumulativeMean(
  losses,
  minibatches.map((b) => b.size),
);
console.log(curve); // Float64Array [0.9, 0.8, 0.7333333333333334, 0.7384615384615384]: the last is the epoch loss
