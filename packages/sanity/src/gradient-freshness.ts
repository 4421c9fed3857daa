import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';

/** What {@link judgeGradientFreshness} compares (differences relative to the first update's norm). */
export interface GradientFreshnessInput {
  /** Norm of the update the step(s) made from the saved state on batch A. */
  readonly updateNorm: number;
  /** Relative difference between that update and the same steps repeated from the same state. */
  readonly repeatDifference: number;
  /** Relative difference after steps on another batch B, restored, then A again. */
  readonly afterOtherBatchDifference: number;
  /** Steps per update (k > 1: accumulation is intended). */
  readonly accumulationSteps: number;
}

/**
 * The "forgot zero_grad" class of bug: from the same weights and optimizer
 * state, the same batch must give the same update, whatever ran before. The
 * steps run on batch A, everything is restored, A again, restored, batch B,
 * restored, A again; state hidden from the restore (gradients summed in a
 * closure, an accumulation buffer that is never reset) makes the later updates
 * differ. Batch B matters: Adam's first update is `lr * sign(g)`, blind to a
 * gradient that was doubled by the previous A run, but not to B's gradient
 * mixed in. With intended accumulation (k micro-steps per update) the check runs
 * k micro-steps per trial, so a wrapper that resets after each update passes.
 *
 * Status: `fail` when an update differs by more than `tolerance` (relative), or
 * when the steps change nothing at all (no update happened); `pass` otherwise.
 *
 * @param input - {@link GradientFreshnessInput}
 * @param thresholds - `tolerance`, default 1e-4 (float noise; use more for steps with dropout).
 * @returns The `gradient-freshness` check result.
 * @example
 * ```ts
 * judgeGradientFreshness({ updateNorm: 0.3, repeatDifference: 1, afterOtherBatchDifference: 1.4, accumulationSteps: 1 }).status; // 'fail'
 * ```
 */
export function judgeGradientFreshness(
  input: GradientFreshnessInput,
  thresholds: { readonly tolerance?: number } = {},
): CheckResult {
  const check = checkArguments('judgeGradientFreshness');
  const tolerance = check.positive('thresholds.tolerance', thresholds.tolerance ?? 1e-4);
  const k = check.integer('input.accumulationSteps', input.accumulationSteps, { min: 1 });
  const measurements: Record<string, Measurement> = {
    updateNorm: input.updateNorm,
    repeatDifference: input.repeatDifference,
    afterOtherBatchDifference: input.afterOtherBatchDifference,
    accumulationSteps: k,
  };
  const name = 'gradient-freshness';
  const steps = k === 1 ? 'one step' : `${k} micro-steps`;
  if (!(input.updateNorm > 0)) {
    return {
      name,
      status: 'fail',
      summary: `${steps} on a batch did not change the weights (update norm ${formatNumber(input.updateNorm)})`,
      measurements,
      advice: [
        k === 1
          ? 'The step applies no update: check that the gradients reach the optimizer, or pass accumulationSteps if the step only accumulates.'
          : `No update after ${k} micro-steps: is the accumulation count larger than ${k}?`,
      ],
    };
  }
  const worst = Math.max(input.repeatDifference, input.afterOtherBatchDifference);
  if (!(worst <= tolerance)) {
    const which =
      input.repeatDifference > tolerance
        ? `repeating ${steps} from the same weights on the same batch changes the update by ${formatNumber(input.repeatDifference)} (relative)`
        : `${steps} on the same batch from the same weights give a different update after another batch ran (relative difference ${formatNumber(input.afterOtherBatchDifference)})`;
    return {
      name,
      status: 'fail',
      summary: `${which}: the update depends on earlier steps`,
      measurements,
      advice: [
        'Gradients are carried over between steps: compute fresh gradients every step (tf.variableGrads / optimizer.minimize) and do not add them to a running sum.',
        k > 1
          ? 'An accumulation buffer must be reset to zero after each update it applies.'
          : 'If accumulation is intended, pass accumulationSteps (micro-steps per update) so the check runs whole groups.',
        'If the step is random (dropout), raise the tolerance or seed the randomness.',
      ],
    };
  }
  return {
    name,
    status: 'pass',
    summary: `the update from the same state and batch is the same after other steps (relative difference ${formatNumber(worst)})`,
    measurements,
    advice: [],
  };
}
