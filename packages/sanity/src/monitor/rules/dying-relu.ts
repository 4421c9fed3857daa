import { formatNumber } from '../../format-number';
import { defineRule, type RuleFinding } from '../rule';

const reluLike = new Set(['relu', 'relu6']);

/**
 * `dying-relu` (warn; fail when the whole layer is dead): in a ReLU layer, the
 * share of units that are active (> 0) on fewer than 1% of the probe samples
 * is above `maxDeadFraction` (0.5); `fail` at or above `failDeadFraction`
 * (0.99): the layer passes no signal.
 *
 * Source: SageMaker Debugger `dead_relu` (inactivity threshold 1%, layer
 * threshold 50%); DeepDiagnosis and AUTOTRAINER use 0.7 of outputs/gradients.
 */
export const dyingReluRule = defineRule({
  id: 'dying-relu',
  title: 'Dying ReLU',
  needs: ['activations'],
  defaults: { maxDeadFraction: 0.5, failDeadFraction: 0.99 },
  sources: [
    'SageMaker Debugger dead_relu (1% inactivity, 50% of the layer)',
    'DeepDiagnosis / AUTOTRAINER (0.7)',
  ],
  evaluate({ current, thresholds }) {
    const findings: RuleFinding[] = [];
    for (const layer of current.activations!) {
      if (!reluLike.has(layer.activation) || !(layer.deadFraction > thresholds.maxDeadFraction))
        continue;
      const whole = layer.deadFraction >= thresholds.failDeadFraction;
      findings.push({
        severity: whole ? 'fail' : 'warn',
        subject: layer.name,
        summary: `${formatNumber(100 * layer.deadFraction)}% of the units of ${layer.name} are dead (active on under 1% of the probe) at step ${current.step}`,
        evidence: {
          step: current.step,
          layer: layer.name,
          deadFraction: layer.deadFraction,
          zeroFraction: layer.zeroFraction,
        },
        advice: [
          'Dead ReLUs never recover: lower the learning rate, initialize biases at 0 (not negative), use He initialization, or switch to leaky ReLU / ELU; batch normalization before the ReLU also helps.',
        ],
      });
    }
    return findings;
  },
});
