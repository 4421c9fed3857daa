// TensorBoard's smoothing and a trailing window mean, streaming and over a whole series.
import {
  createEma,
  createWindowMean,
  emaValue,
  smoothEma,
  updateEma,
  updateWindowMean,
  windowMean,
  windowMeanValue,
} from '@trainkit/stats';

const minibatches = [
  { loss: 0.9, size: 64 },
  { loss: 0.7, size: 64 },
  { loss: 0.6, size: 64 },
  { loss: 0.8, size: 16 }, // the last, partial batch weighs less
];

const smoothed = createEma(0.6); // TensorBoard's default smoothing slider
const recent = createWindowMean(2);
for (const { loss, size } of minibatches) {
  updateEma(smoothed, loss);
  updateWindowMean(recent, loss, size);
}
console.log(emaValue(smoothed), windowMeanValue(recent));

// The same numbers for a whole series at once (what @trainkit/curves plots).
const losses = minibatches.map((b) => b.loss);
const curve = smoothEma(losses, 0.6); // Float64Array; its last value is emaValue(smoothed)
const trailing = windowMean(losses, 2, { weights: minibatches.map((b) => b.size) });
console.log(curve[3] === emaValue(smoothed), trailing[3] === windowMeanValue(recent));
