export { assertArrayLike, checkFiniteValues, checkSameLength } from './array-arguments';
export { mean, quantileSorted, sortedCopy } from './descriptive-statistics';
export type { DownsampleMethod, DownsampleOptions } from './downsample';
export { downsample, lttbIndices, minMaxIndices } from './downsample';
export type { EmaJSON, EmaState } from './ema';
export { createEma, emaFromJSON, emaToJSON, emaValue, resetEma, smoothEma, updateEma } from './ema';
export {
  criticalZ,
  erfc,
  normalCdf,
  normalQuantile,
  twoSidedNormalPValue,
} from './normal-distribution';
export type {
  BulkSource,
  Random,
  RandomJSON,
  RandomOptions,
  RandomState,
  ShuffleableArray,
} from './random';
export {
  createRandom,
  DrawBuffer,
  deriveSeed,
  randomFromJSON,
  randomToJSON,
  restoreRandom,
  Xoshiro128,
  xoshiroFrom,
} from './random';
export { median, medianInPlace, robustNoise } from './robust-statistics';
export type { Series } from './series';
export type { Smoothing } from './smooth-series';
export { smoothSeries } from './smooth-series';
export type {
  StateField,
  StateParameter,
  StreamingState,
  StreamingStateDefinition,
  StreamingStateSpec,
} from './streaming-state';
export {
  compensatedAdd,
  defineStreamingState,
  stateField,
  stateParameter,
} from './streaming-state';
export type {
  BucketMedians,
  MannKendallResult,
  TheilSenResult,
  TrendDirection,
  TrendOnsetOptions,
  TrendOnsetResult,
  TrendTestOptions,
  TrendTestResult,
} from './trend-test';
export {
  bucketMedians,
  mannKendall,
  maxTrendPoints,
  significanceLevel,
  theilSen,
  trendOnset,
  trendTest,
} from './trend-test';
export type { WindowMeanJSON, WindowMeanOptions, WindowMeanState } from './window-mean';
export {
  createWindowMean,
  resetWindowMean,
  updateWindowMean,
  windowMean,
  windowMeanFromJSON,
  windowMeanToJSON,
  windowMeanValue,
} from './window-mean';
