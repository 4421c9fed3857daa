import type { MonitorRule } from './rule';
import { dyingReluRule } from './rules/dying-relu';
import { explodingGradientsRule } from './rules/exploding-gradients';
import { lossDivergingRule } from './rules/loss-diverging';
import { lossNotDecreasingRule } from './rules/loss-not-decreasing';
import { nonFiniteRule } from './rules/non-finite';
import { poorInitializationRule } from './rules/poor-initialization';
import { saturatedActivationsRule } from './rules/saturated-activations';
import { tensorLeakRule } from './rules/tensor-leak';
import { updateRatioRule } from './rules/update-ratio';
import { vanishingGradientsRule } from './rules/vanishing-gradients';

/**
 * The during-training rules the monitor runs by default, in this order: NaN,
 * divergence, exploding and vanishing gradients, dying ReLU, saturated
 * activations, poor initialization, update ratio, loss not decreasing, tensor
 * leaks. Each is a module with its documented thresholds and sources.
 */
export const defaultMonitorRules: readonly MonitorRule[] = [
  nonFiniteRule,
  lossDivergingRule,
  explodingGradientsRule,
  vanishingGradientsRule,
  dyingReluRule,
  saturatedActivationsRule,
  poorInitializationRule,
  updateRatioRule,
  lossNotDecreasingRule,
  tensorLeakRule,
] as readonly MonitorRule[];
