import { checkArguments, ShapeMismatchError } from '@trainkit/core';

/**
 * One curve: values measured at increasing iterations, as parallel arrays
 * (compact and cheap to append to). `@trainkit/curves`' training history is
 * made of these; {@link smoothSeries} and {@link downsample} take and return them.
 */
export interface Series {
  /** Iterations (optimizer updates applied so far), strictly increasing integers >= 0. */
  readonly iterations: number[];
  /** The measured values; NaN and infinities are kept (they are evidence of divergence). */
  readonly values: number[];
}

/**
 * Checks that a value is a {@link Series}: an object with `iterations` and
 * `values` arrays of one length (the values themselves may be anything
 * numeric, NaN included). Internal.
 *
 * @throws InvalidArgumentError when it is not such an object; ShapeMismatchError when the lengths differ.
 */
export function assertSeries(
  functionName: string,
  argument: string,
  series: unknown,
): asserts series is Series {
  const check = checkArguments(functionName);
  const candidate = series as { iterations?: unknown; values?: unknown } | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    !Array.isArray(candidate.iterations) ||
    !Array.isArray(candidate.values)
  ) {
    check.fail(
      argument,
      series,
      'a series { iterations: number[], values: number[] }',
      'Pass e.g. history.train, or { iterations: [0, 1, 2], values: [1, 2, 3] } for bare values.',
    );
  }
  const { iterations, values } = series as Series;
  if (iterations.length !== values.length) {
    throw new ShapeMismatchError({
      functionName,
      argument: `${argument}.values`,
      expected: [iterations.length],
      actual: [values.length],
      fix: 'Give one value per iteration.',
    });
  }
}
