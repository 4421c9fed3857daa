/**
 * What the training monitor measures at a check, as plain numbers: the rules
 * read these, so they run the same for `model.fit`, custom loops, or numbers
 * recorded elsewhere.
 */

/** Gradient statistics of one variable. */
export interface GradientStats {
  /** Variable name, e.g. `dense_Dense1/kernel`. */
  readonly name: string;
  /** A weight matrix or convolution kernel (rank >= 2), not a bias or scale. */
  readonly isKernel: boolean;
  /** L2 norm. */
  readonly norm: number;
  /** Mean |g|. */
  readonly meanAbs: number;
  /** No NaN or infinity. */
  readonly finite: boolean;
}

/** Statistics of one variable's values. */
export interface WeightStats {
  readonly name: string;
  readonly isKernel: boolean;
  /** Values feeding one output unit (rows for dense, kh*kw*inChannels for convolutions); 0 for non-kernels. */
  readonly fanIn: number;
  /** L2 norm. */
  readonly norm: number;
  /** Variance of the entries. */
  readonly variance: number;
  /** Largest |w|. */
  readonly maxAbs: number;
  readonly finite: boolean;
}

/** The update one step made to a variable. */
export interface UpdateStats {
  readonly name: string;
  readonly isKernel: boolean;
  /** |w_after - w_before| / |w_before| (L2 norms). */
  readonly ratio: number;
}

/** What one activation layer's outputs looked like on the probe batch. */
export interface ActivationStats {
  /** Layer name. */
  readonly name: string;
  /** Its activation function: `relu`, `sigmoid`, `tanh`, ... */
  readonly activation: string;
  /** ReLU: share of outputs exactly 0 (0 for other activations). */
  readonly zeroFraction: number;
  /**
   * ReLU-like: share of units (channels) active (> 0) on fewer than 1% of the
   * probe samples and positions, i.e. dead for this data.
   */
  readonly deadFraction: number;
  /** sigmoid/tanh: share of outputs whose pre-activation has |x| >= 5 (read from the output); 0 for ReLU. */
  readonly saturatedFraction: number;
}

/** Everything measured at one check; each part is optional (a rule that needs a missing part is skipped). */
export interface MonitorMeasurements {
  /** Optimizer updates applied so far. */
  readonly step: number;
  readonly gradients?: readonly GradientStats[];
  readonly weights?: readonly WeightStats[];
  /** The update of the step just before this check. */
  readonly updates?: readonly UpdateStats[];
  readonly activations?: readonly ActivationStats[];
  /** `tf.memory()` at the check. */
  readonly memory?: { readonly numTensors: number; readonly numBytes: number };
}

/** The measurement parts a rule can need. */
export type MeasurementKind =
  | 'loss'
  | 'gradients'
  | 'weights'
  | 'updates'
  | 'activations'
  | 'memory';
