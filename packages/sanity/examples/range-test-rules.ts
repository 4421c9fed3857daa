import {
  analyzeRangeTest,
  learningRateRamp,
  rangeTestSvg,
  rangeTestTracker,
} from '@trainkit/sanity';

// A recorded range test: 100 iterations from 1e-7 to 10; the loss depends on the learning rate
// accumulated so far (start 2.3, floor 0.3) and blows up above 0.3. Deterministic "noise".
const ramp = Array.from(learningRateRamp());
const tracker = rangeTestTracker(); // fastai's stop rule: smoothed loss above 4x its best
const losses: number[] = [];
let accumulated = 0;
for (const [i, lr] of ramp.entries()) {
  accumulated += lr;
  const clean = 0.3 + 2 * Math.exp(-accumulated / 0.05) + (lr > 0.3 ? 50 * (lr - 0.3) : 0);
  losses.push(clean * (1 + 0.04 * Math.sin(i * 12.9898)));
  if (tracker.push(losses[i]!).stop !== undefined) break;
}

const learningRates = ramp.slice(0, losses.length);
const analysis = analyzeRangeTest({
  learningRates,
  losses,
  iterations: 100,
  stopReason: 'diverged',
});
console.log(analysis.check.summary);
console.log(
  `trainkit ${analysis.suggestion?.toExponential(1)}, valley ${analysis.peers.valley?.learningRate.toExponential(1)}, steepest ${analysis.peers.steepest?.learningRate.toExponential(1)}`,
);
const svg = rangeTestSvg(analysis); // write it to a file to look at the curve
console.log(svg.startsWith('<svg'), svg.length > 1000);
