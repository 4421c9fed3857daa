import { checkArguments } from '@trainkit/core';

/**
 * Metadata carried by every scalar metric function, like torchmetrics'
 * `higher_is_better` / `plot_lower_bound` / `plot_upper_bound`: search and
 * early stopping read it instead of guessing from the name.
 */
export interface MetricMetadata {
  /** The metric's name, e.g. `'accuracy'`. */
  readonly metricName: string;
  /** `true` when larger values are better (maximize), `false` to minimize. */
  readonly higherIsBetter: boolean;
  /** Smallest possible value. */
  readonly lowerBound: number;
  /** Largest possible value. */
  readonly upperBound: number;
}

/** A metric function with its {@link MetricMetadata} attached. */
export type MetricFunction<F extends (...args: never[]) => number> = F & MetricMetadata;

/**
 * Attaches {@link MetricMetadata} to a metric function.
 *
 * @param metric - The function.
 * @param metadata - Name, direction and finite bounds (lowerBound <= upperBound).
 * @returns The same function, carrying the metadata.
 * @throws InvalidArgumentError for a non-function or bad metadata.
 *
 * @example
 * ```ts
 * const errorRate = defineMetric((state: ConfusionMatrixState) => 1 - accuracy(state), {
 *   metricName: 'errorRate', higherIsBetter: false, lowerBound: 0, upperBound: 1,
 * });
 * errorRate.higherIsBetter; // false
 * ```
 */
export function defineMetric<F extends (...args: never[]) => number>(
  metric: F,
  metadata: MetricMetadata,
): MetricFunction<F> {
  const check = checkArguments('defineMetric');
  check.callable('metric', metric);
  check.options(
    'metadata',
    metadata ?? null,
    "{ metricName: 'errorRate', higherIsBetter: false, lowerBound: 0, upperBound: 1 }",
  );
  const metricName = metadata.metricName;
  if (typeof metricName !== 'string' || metricName === '') {
    check.fail('metadata.metricName', metricName, 'a non-empty string');
  }
  const higherIsBetter = check.boolean('metadata.higherIsBetter', metadata.higherIsBetter);
  const lowerBound = check.number('metadata.lowerBound', metadata.lowerBound);
  const upperBound = check.number('metadata.upperBound', metadata.upperBound, {
    min: lowerBound,
    fix: 'The upper bound is the largest possible value, at least the lower bound.',
  });
  return Object.assign(metric, { metricName, higherIsBetter, lowerBound, upperBound });
}
