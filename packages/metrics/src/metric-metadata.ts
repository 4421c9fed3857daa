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
  return Object.assign(metric, {
    metricName: metadata.metricName,
    higherIsBetter: metadata.higherIsBetter,
    lowerBound: metadata.lowerBound,
    upperBound: metadata.upperBound,
  });
}
