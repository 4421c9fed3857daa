// Does the loss fall, how steeply, and since when? Rank statistics, robust to outliers.
import { trendOnset, trendTest } from '@trainkit/stats';

const losses = Array.from({ length: 300 }, (_, t) =>
  t < 100 ? 2.3 + 0.02 * Math.sin(t * 7.1) : 2.3 - 0.004 * (t - 100) + 0.02 * Math.sin(t * 7.1),
);
const trend = trendTest(losses.slice(200));
console.log(trend.direction, trend.slope.toFixed(4), trend.pValue < 1e-6);
const onset = trendOnset(losses);
console.log(onset?.iteration);
