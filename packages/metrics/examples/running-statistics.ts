// Training-curve statistics: epoch loss as the sample-weighted mean of
// minibatch losses, TensorBoard-style smoothing and a trailing window mean.
import {
  createEma,
  createRunningMean,
  createWindowMean,
  emaValue,
  runningMeanValue,
  smoothEma,
  updateEma,
  updateRunningMean,
  updateWindowMean,
  windowMean,
  windowMeanValue,
} from '@trainkit/metrics';

const minibatches = [
  { loss: 0.9, size: 64 },
  { loss: 0.7, size: 64 },
  { loss: 0.6, size: 64 },
  { loss: 0.8, size: 16 }, // the last, partial batch weighs less
];

export function runningStatisticsExample() {
  const epochLoss = createRunningMean();
  const smoothed = createEma(0.6); // TensorBoard's default smoothing slider
  const recent = createWindowMean(2);
  for (const { loss, size } of minibatches) {
    updateRunningMean(epochLoss, loss, size);
    updateEma(smoothed, loss);
    updateWindowMean(recent, loss, size);
  }
  console.log(runningMeanValue(epochLoss)); // 0.7384615384615384 = (0.9·64 + 0.7·64 + 0.6·64 + 0.8·16) / 208
  console.log(emaValue(smoothed), windowMeanValue(recent)); // 0.738235294117647 0.64

  // The same numbers for a whole series at once (what @trainkit/curves plots).
  const losses = minibatches.map((b) => b.loss);
  const curve = smoothEma(losses, 0.6); // Float64Array, last value === emaValue(smoothed)
  const trailing = windowMean(losses, 2, { weights: minibatches.map((b) => b.size) });
  return {
    epochLoss: runningMeanValue(epochLoss),
    ema: emaValue(smoothed),
    curve,
    trailing,
    recent: windowMeanValue(recent),
  };
}
