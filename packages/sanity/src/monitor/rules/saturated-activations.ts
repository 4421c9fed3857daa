import { formatNumber } from '../../format-number';
import { defineRule, type RuleFinding } from '../rule';

const squashing = new Set(['sigmoid', 'tanh', 'hardSigmoid', 'softsign']);

/**
 * `saturated-activations` (warn): in a sigmoid/tanh layer, more than
 * `maxSaturatedFraction` (0.5) of the pre-activations have |x| >= 5, where the
 * derivative is under 0.007 (sigmoid) or 2e-4 (tanh).
 *
 * Source: DeepDiagnosis (|x| >= 5 on more than half the units). SageMaker
 * Debugger's `saturated_activation` uses tanh ±9.4999, sigmoid -23 / 16.99999.
 */
export const saturatedActivationsRule = defineRule({
  id: 'saturated-activations',
  title: 'Saturated sigmoid/tanh',
  needs: ['activations'],
  defaults: { maxSaturatedFraction: 0.5 },
  sources: ['DeepDiagnosis (|x| >= 5 on > 50%)', 'SageMaker Debugger saturated_activation'],
  evaluate({ current, thresholds }) {
    const findings: RuleFinding[] = [];
    for (const layer of current.activations!) {
      if (
        !squashing.has(layer.activation) ||
        !(layer.saturatedFraction > thresholds.maxSaturatedFraction)
      )
        continue;
      findings.push({
        severity: 'warn',
        subject: layer.name,
        summary: `${formatNumber(100 * layer.saturatedFraction)}% of the ${layer.activation} inputs of ${layer.name} are beyond ±5 at step ${current.step}: their gradient is almost 0`,
        evidence: {
          step: current.step,
          layer: layer.name,
          saturatedFraction: layer.saturatedFraction,
        },
        advice: [
          'Normalize the inputs, scale the initialization down (Glorot), lower the learning rate, or use ReLU-family activations; batch normalization before the activation keeps it in range.',
        ],
      });
    }
    return findings;
  },
});
