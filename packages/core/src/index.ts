export type { ArgumentChecker, NumberBounds } from './check-arguments';
export { checkArguments } from './check-arguments';
export type { InvalidArgumentDetails, ShapeMismatchDetails } from './errors';
export {
  InvalidArgumentError,
  ShapeMismatchError,
  StateRestoreError,
  TrainkitError,
} from './errors';
export { formatValue } from './format-value';
