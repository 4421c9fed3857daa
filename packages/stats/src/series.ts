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
