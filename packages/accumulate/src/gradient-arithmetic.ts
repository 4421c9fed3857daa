import {
  add,
  addN,
  clone,
  div,
  keep,
  maximum,
  mul,
  sqrt,
  square,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';

/**
 * One gradient per variable, in the order of the variables; `null` where a
 * variable has no gradient (it adds zero).
 */
export type GradientList = readonly (Tensor | null)[];

/**
 * Adds `ratio · gradients` to the running sums, variable by variable, and
 * returns the new sums. Consumes `sums`: every sum that is replaced is
 * disposed; the new tensors are kept (they survive the caller's `tidy`). A
 * null gradient leaves its sum as it was; a null sum starts from the gradient
 * (copied, so the caller still owns its gradients). With `ratio` 1 nothing is
 * multiplied, so equal micro-batches give a plain float32 sum.
 *
 * @param sums - The sums so far (one entry per variable, null = nothing yet).
 * @param gradients - The micro-batch's gradients, same order and length.
 * @param ratio - The micro-batch's weight relative to the group's first one.
 * @returns The new sums.
 */
export function addWeighted(
  sums: GradientList,
  gradients: GradientList,
  ratio: number,
): (Tensor | null)[] {
  // tidy ignores the null entries of the returned list.
  const next = tidy(
    () =>
      gradients.map((gradient, i) => {
        const old = sums[i] ?? null;
        if (gradient === null) return old;
        const weighted = ratio === 1 ? gradient : mul(gradient, ratio);
        if (old === null) return weighted === gradient ? clone(gradient) : weighted;
        return add(old, weighted);
      }) as Tensor[],
  ) as (Tensor | null)[];
  next.forEach((tensor, i) => {
    const old = sums[i] ?? null;
    if (tensor !== null && tensor !== old) {
      keep(tensor);
      old?.dispose();
    }
  });
  return next;
}

/** The last micro-batch of a group, folded straight into the mean. */
export interface LastMicroBatch {
  readonly gradients: GradientList;
  /** Its weight relative to the group's first micro-batch. */
  readonly ratio: number;
}

/** What {@link groupMean} returns. */
export interface GroupMean {
  /** The mean gradient per variable (null where no micro-batch had one). */
  readonly means: (Tensor | null)[];
  /** The tensors the caller must dispose once the means are used. */
  readonly owned: Tensor[];
}

/**
 * The group's mean gradients `(sums + ratio · last) / divisor`, variable by
 * variable. Consumes `sums`: each is disposed as soon as its mean exists, so
 * forming the means needs one extra copy of a single variable at most. The
 * last micro-batch's gradients stay the caller's; when one of them is the mean
 * itself (a group of one with divisor 1) it is passed through unchanged, so
 * k = 1 reaches the inner optimizer bit for bit.
 *
 * @param sums - The group's running sums (consumed).
 * @param last - The group's final micro-batch when it has not been added yet.
 * @param divisor - The group's total weight in units of its first micro-batch.
 * @returns The means and the tensors to dispose after use.
 */
export function groupMean(
  sums: GradientList,
  last: LastMicroBatch | null,
  divisor: number,
): GroupMean {
  const count = Math.max(sums.length, last?.gradients.length ?? 0);
  const owned: Tensor[] = [];
  const means = Array.from({ length: count }, (_, i) => {
    const sumSoFar = sums[i] ?? null;
    const gradient = last?.gradients[i] ?? null;
    const mean = tidy(() => {
      let total = sumSoFar;
      if (gradient !== null) {
        const weighted = last!.ratio === 1 ? gradient : mul(gradient, last!.ratio);
        total = sumSoFar === null ? weighted : add(sumSoFar, weighted);
      }
      if (total === null) return null as unknown as Tensor;
      return divisor === 1 ? total : div(total, divisor);
    }) as Tensor | null;
    if (mean !== null && mean !== gradient) owned.push(mean === sumSoFar ? mean : keep(mean));
    if (sumSoFar !== null && mean !== sumSoFar) sumSoFar.dispose();
    return mean;
  });
  return { means, owned };
}

/**
 * Scales the gradients so that their global L2 norm is at most `clipNorm`:
 * `g · clipNorm / max(‖g‖, clipNorm)` with ‖g‖ over every present gradient
 * (TensorFlow `clip_by_global_norm`, optax `clip_by_global_norm`). Returns new
 * kept tensors (the caller disposes them) or, when no gradient is present,
 * the given list itself (nothing to dispose).
 *
 * @param gradients - One gradient per variable, null where there is none.
 * @param clipNorm - The largest global norm, > 0.
 * @returns The clipped gradients.
 */
export function clipByGlobalNorm(gradients: GradientList, clipNorm: number): (Tensor | null)[] {
  const present = gradients.filter((gradient): gradient is Tensor => gradient !== null);
  if (present.length === 0) return gradients as (Tensor | null)[];
  const clipped = tidy(() => {
    const norm = sqrt(addN(present.map((gradient) => sum(square(gradient)))));
    const factor = div(clipNorm, maximum(norm, clipNorm));
    return gradients.map((gradient) =>
      gradient === null ? null : mul(gradient, factor),
    ) as Tensor[];
  }) as (Tensor | null)[];
  for (const tensor of clipped) if (tensor !== null) keep(tensor);
  return clipped;
}

/**
 * The positions of the gradients that hold NaN or ±Infinity, with one device
 * sync in the common all-finite case: a sum is finite only if every element
 * is, so one reduction per variable decides it. A non-finite total may also
 * be an overflow of finite values; the slow path tells them apart with x·0,
 * which is 0 for finite x and NaN otherwise.
 *
 * @param gradients - One gradient per variable, null where there is none.
 * @returns The indices of the non-finite gradients (empty when all are finite).
 */
export function nonFiniteIndices(gradients: GradientList): number[] {
  const present = gradients
    .map((tensor, index) => ({ tensor, index }))
    .filter((entry): entry is { tensor: Tensor; index: number } => entry.tensor !== null);
  if (present.length === 0) return [];
  const total = tidy(() => addN(present.map(({ tensor }) => sum(tensor))));
  const finite = Number.isFinite(total.dataSync()[0]);
  total.dispose();
  if (finite) return [];
  return present
    .filter(({ tensor }) => {
      const probe = tidy(() => sum(mul(tensor, 0)));
      const value = probe.dataSync()[0];
      probe.dispose();
      return !Number.isFinite(value);
    })
    .map(({ index }) => index);
}
