import { formatNumber } from '../../format-number';
import { defineRule } from '../rule';

/**
 * `tensor-leak` (fail): `tf.memory().numTensors` grew at each of the last
 * `checks` (3) checks, by at least `minTensorsPerStep` (0.5) tensors per step
 * on average: something allocated every step is never disposed. (A constant
 * count, or one that grows once when the optimizer creates its slots, passes.)
 */
export const tensorLeakRule = defineRule({
  id: 'tensor-leak',
  title: 'Tensor leak',
  needs: ['memory'],
  defaults: { checks: 3, minTensorsPerStep: 0.5 },
  sources: ['trainkit (TensorFlow.js keeps tensors until disposed; tf.memory() counts them)'],
  evaluate({ current, previous, thresholds }) {
    const checks = Math.max(2, Math.round(thresholds.checks));
    const series = [...previous.filter((m) => m.memory !== undefined), current].slice(
      -(checks + 1),
    );
    if (series.length < checks + 1) return [];
    for (let i = 1; i < series.length; i++) {
      if (!(series[i]!.memory!.numTensors > series[i - 1]!.memory!.numTensors)) return [];
    }
    const first = series[0]!;
    const steps = current.step - first.step;
    if (steps <= 0) return [];
    const perStep = (current.memory!.numTensors - first.memory!.numTensors) / steps;
    const bytesPerStep = (current.memory!.numBytes - first.memory!.numBytes) / steps;
    if (perStep < thresholds.minTensorsPerStep) return [];
    return [
      {
        severity: 'fail',
        subject: 'memory',
        summary: `${formatNumber(perStep)} tensors (${formatNumber(bytesPerStep)} bytes) more per step since step ${first.step}: ${current.memory!.numTensors} tensors at step ${current.step}`,
        evidence: {
          step: current.step,
          tensorsPerStep: perStep,
          bytesPerStep,
          numTensors: current.memory!.numTensors,
          numBytes: current.memory!.numBytes,
        },
        advice: [
          'Wrap each step in tf.tidy, dispose what tf.variableGrads / optimizer.minimize return (the loss value, the gradients), and dispose gathered batches after use.',
        ],
      },
    ];
  },
});
