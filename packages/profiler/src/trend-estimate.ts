/** Result of `estimateTimeToTrend`. */
export interface TrendEstimate {
  /**
   * `clear`: the trend is already significant; `pending`: it should become
   * significant after `iterationsNeeded` more iterations at the current slope
   * and noise; `no-trend`: no slope to extrapolate; `insufficient-data`: too
   * few losses.
   */
  readonly status: 'clear' | 'pending' | 'no-trend' | 'insufficient-data';
  readonly direction: 'decreasing' | 'increasing' | 'none';
  /** Losses the test used. */
  readonly points: number;
  /** The trend statistic now (standard normal under "no trend"). */
  readonly z: number;
  /** |z| needed for significance at the chosen level. */
  readonly zRequired: number;
  /** More iterations until the trend is expected to be significant; `null` when unknown. */
  readonly iterationsNeeded: number | null;
  /** `iterationsNeeded` times the mean iteration time; `null` when unknown. */
  readonly msNeeded: number | null;
  /** One sentence for a report. */
  readonly message: string;
}
