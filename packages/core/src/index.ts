export type { ArgumentChecker, NumberBounds } from './check-arguments';
export { checkArguments } from './check-arguments';
export { crc32c } from './crc32c';
export type { InvalidArgumentDetails, ShapeMismatchDetails, StateRestoreDetails } from './errors';
export {
  errorMarker,
  hasErrorMarker,
  InvalidArgumentError,
  ShapeMismatchError,
  StateRestoreError,
  TrainkitError,
} from './errors';
export type { CompletedUpdate, FitStepCounter } from './fit-steps';
export { accumulatedUpdates, createFitStepCounter } from './fit-steps';
export { formatValue } from './format-value';
export type { JsonNumber } from './json-number';
export { decodeJsonNumber, encodeJsonNumber } from './json-number';
export type { LineChartOptions, LineChartSeries, LineChartVerticalLine } from './line-chart-scale';
export { formatTick, niceTicks } from './line-chart-scale';
export type { LineChartSvgOptions } from './line-chart-svg';
export { escapeXml, lineChartColors, lineChartSvg } from './line-chart-svg';
export type { LineChartTerminalOptions } from './line-chart-terminal';
export { lineChartTerminal } from './line-chart-terminal';
export type { AnyRule, Rule, RuleFinding, RuleLimits, RuleThresholds } from './rules';
export { checkThreshold, resolveRuleThresholds } from './rules';
export type { StateEnvelope, StateFormat, StateReader, StateSource } from './state-json';
export { encodeJsonNumbers, readState, readStateEnvelope, stateEnvelope } from './state-json';
