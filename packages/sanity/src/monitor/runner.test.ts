import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { defaultMonitorRules } from './default-rules';
import type { MonitorMeasurements } from './measurements';
import { defineRule } from './rule';
import { createMonitorRunner } from './runner';

const kernel = (name: string, norm: number, meanAbs = norm / 100) => ({
  name,
  isKernel: true,
  norm,
  meanAbs,
  finite: true,
});

describe('createMonitorRunner', () => {
  it('reports each (rule, subject) once and builds one result per rule', () => {
    const runner = createMonitorRunner();
    const check: MonitorMeasurements = {
      step: 10,
      updates: [
        { name: 'a', isKernel: true, ratio: 50 },
        { name: 'b', isKernel: true, ratio: 30 },
      ],
    };
    runner.recordLoss(9, 2.3);
    const first = runner.observe(check);
    expect(first.map((f) => [f.ruleId, f.severity, f.subject, f.step])).toEqual([
      ['update-ratio', 'fail', 'too-large', 10],
    ]);
    expect(first[0]!.evidence.medianRatio).toBe(40);
    expect(runner.observe({ ...check, step: 20 })).toEqual([]);
    const results = Object.fromEntries(runner.results().map((r) => [r.name, r.status]));
    expect(results['update-ratio']).toBe('fail');
    expect(results['non-finite']).toBe('pass');
    expect(results['dying-relu']).toBe('skipped');
    expect(runner.results().find((r) => r.name === 'dying-relu')!.reason).toMatch(
      /needs activations/,
    );
    expect(runner.results().map((r) => r.name)).toEqual(defaultMonitorRules.map((r) => r.id));
  });

  it('takes threshold overrides and rejects unknown ones', () => {
    const strict = createMonitorRunner({ thresholds: { 'update-ratio': { failRatio: 100 } } });
    expect(
      strict.observe({ step: 1, updates: [{ name: 'a', isKernel: true, ratio: 50 }] }),
    ).toEqual([]);
    expect(() =>
      createMonitorRunner({ thresholds: { 'update-ratios': { failRatio: 1 } } }),
    ).toThrow(InvalidArgumentError);
    expect(() => createMonitorRunner({ thresholds: { 'update-ratio': { failratio: 1 } } })).toThrow(
      /thresholds\['update-ratio'\] must be one of minRatio, maxRatio, failRatio, patience, got "failratio"/,
    );
  });

  it('runs custom rules defined with defineRule', () => {
    const rule = defineRule({
      id: 'loss-above',
      title: 'Loss above a bound',
      needs: ['loss'],
      defaults: { bound: 5 },
      sources: ['test'],
      evaluate: ({ losses, thresholds }) =>
        losses.values.some((v) => v > thresholds.bound)
          ? [{ severity: 'warn', subject: 'loss', summary: 'too high', evidence: {}, advice: [] }]
          : [],
    });
    const runner = createMonitorRunner({ rules: [rule] });
    runner.recordLoss(0, 6);
    expect(runner.observe({ step: 1 }).map((f) => f.ruleId)).toEqual(['loss-above']);
  });
});

describe('the default rules on synthetic measurements', () => {
  const observeOnce = (measurements: MonitorMeasurements, losses: number[] = [2.3]) => {
    const runner = createMonitorRunner();
    losses.forEach((loss, i) => {
      runner.recordLoss(i, loss);
    });
    return runner.observe(measurements).map((f) => `${f.ruleId}:${f.severity}:${f.subject}`);
  };

  it('non-finite: a NaN loss since the last check, NaN gradients', () => {
    expect(observeOnce({ step: 3 }, [2.3, Number.NaN, 2.2])).toEqual(['non-finite:fail:loss']);
    expect(observeOnce({ step: 1, gradients: [{ ...kernel('w', 1), finite: false }] })).toContain(
      'non-finite:fail:w',
    );
  });

  it('exploding: global norm above 100 or a first/last ratio above 70; vanishing: AUTOTRAINER and SageMaker bounds', () => {
    expect(observeOnce({ step: 1, gradients: [kernel('a', 99), kernel('b', 10)] })).toEqual([]);
    expect(observeOnce({ step: 1, gradients: [kernel('a', 101), kernel('b', 1)] })).toEqual([
      'exploding-gradients:fail:gradients',
      'exploding-gradients:fail:first-last-ratio',
    ]);
    expect(observeOnce({ step: 1, gradients: [kernel('a', 9e-5), kernel('b', 1)] })).toEqual([
      'vanishing-gradients:warn:a',
    ]);
    // Ratio small but the first norm above 1e-4: not vanishing by AUTOTRAINER's rule.
    expect(observeOnce({ step: 1, gradients: [kernel('a', 2e-4, 1e-5), kernel('b', 1)] })).toEqual(
      [],
    );
    expect(observeOnce({ step: 1, gradients: [kernel('a', 2e-4, 5e-8), kernel('b', 1)] })).toEqual([
      'vanishing-gradients:warn:a',
    ]);
  });

  it('activations: dead ReLU units above 50% warn, all dead fail; saturation above 50%', () => {
    const layer = (activation: string, deadFraction: number, saturatedFraction = 0) => ({
      name: `${activation}-${deadFraction}`,
      activation,
      zeroFraction: deadFraction,
      deadFraction,
      saturatedFraction,
    });
    expect(
      observeOnce({
        step: 1,
        activations: [layer('relu', 0.5), layer('relu', 0.6), layer('relu', 1)],
      }),
    ).toEqual(['dying-relu:warn:relu-0.6', 'dying-relu:fail:relu-1']);
    expect(
      observeOnce({ step: 1, activations: [layer('sigmoid', 0, 0.51), layer('relu', 0, 0.9)] }),
    ).toEqual(['saturated-activations:warn:sigmoid-0']);
  });

  it('poor initialization: variance far from 1/fanIn, judged on the first weights only', () => {
    const weights = (variance: number) => [
      { name: 'w', isKernel: true, fanIn: 784, norm: 1, variance, maxAbs: 1, finite: true },
    ];
    expect(observeOnce({ step: 0, weights: weights(2 / (784 + 256)) })).toEqual([]);
    expect(observeOnce({ step: 0, weights: weights(1) })).toEqual(['poor-initialization:warn:w']);
    expect(observeOnce({ step: 0, weights: weights(1e-7) })).toEqual([
      'poor-initialization:warn:w',
    ]);
    const runner = createMonitorRunner();
    runner.observe({ step: 0, weights: weights(2 / 1040) });
    expect(runner.observe({ step: 50, weights: weights(1) })).toEqual([]);
  });

  it('update ratio: needs two consecutive checks out of band to warn', () => {
    const runner = createMonitorRunner();
    const update = (ratio: number) => [{ name: 'w', isKernel: true, ratio }];
    expect(runner.observe({ step: 1, updates: update(1e-6) })).toEqual([]);
    expect(runner.observe({ step: 50, updates: update(1e-6) }).map((f) => f.subject)).toEqual([
      'too-small',
    ]);
    const again = createMonitorRunner();
    again.observe({ step: 1, updates: update(0.5) });
    expect(again.observe({ step: 50, updates: update(1e-3) })).toEqual([]);
  });

  it('loss rules: flat for 100 steps warns, a falling loss passes, 4x the best fails', () => {
    const noise = (i: number) => 0.02 * Math.sin(i * 12.9898);
    const flat = Array.from({ length: 120 }, (_, i) => 2.3 + noise(i));
    expect(observeOnce({ step: 120 }, flat)).toEqual(['loss-not-decreasing:warn:loss']);
    const falling = Array.from({ length: 120 }, (_, i) => 2.3 * Math.exp(-i / 200) + noise(i));
    expect(observeOnce({ step: 120 }, falling)).toEqual([]);
    // Learned, then flat: not flagged (judged against the start).
    const plateau = Array.from(
      { length: 300 },
      (_, i) => (i < 50 ? 2.3 - i * 0.03 : 0.8) + noise(i),
    );
    expect(observeOnce({ step: 300 }, plateau)).toEqual([]);
    const diverging = [...falling.slice(0, 50), ...Array.from({ length: 12 }, () => 20)];
    expect(observeOnce({ step: 62 }, diverging)).toEqual(['loss-diverging:fail:loss']);
  });

  it('tensor leak: growth at three consecutive checks', () => {
    const runner = createMonitorRunner();
    const memory = (step: number, numTensors: number) => ({
      step,
      memory: { numTensors, numBytes: numTensors * 4 },
    });
    expect(runner.observe(memory(1, 100))).toEqual([]);
    expect(runner.observe(memory(11, 110))).toEqual([]);
    expect(runner.observe(memory(21, 120))).toEqual([]);
    const found = runner.observe(memory(31, 130));
    expect(found.map((f) => f.ruleId)).toEqual(['tensor-leak']);
    expect(found[0]!.evidence.tensorsPerStep).toBe(1);
    const steady = createMonitorRunner();
    for (const [step, count] of [
      [1, 100],
      [11, 112],
      [21, 112],
      [31, 112],
      [41, 112],
    ] as const) {
      expect(steady.observe(memory(step, count))).toEqual([]);
    }
  });
});
