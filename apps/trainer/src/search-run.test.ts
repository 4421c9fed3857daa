import { describe, expect, it } from 'vitest';
import { fixedOnResume, parseTrainOptions } from './options';
import { trainCommandFor } from './search-run';
import { trialOptions } from './search-trial';

/** The settings that decide a training run's course (not where it goes or how it prints). */
const decisive = ['epochs', ...fixedOnResume] as const;

function pick(options: object) {
  return Object.fromEntries(
    decisive.map((key) => [key, (options as Record<string, unknown>)[key]]),
  );
}

describe('trainCommandFor (the "Train it:" line after a search)', () => {
  const shared = {
    model: 'cnn',
    dropout: 0.3,
    limit: 6000,
    validationFraction: 0.2,
    seed: 7,
    batchSize: 64,
    accumulate: 2,
    optimizer: 'momentum',
    warmupSteps: 50,
    clipNorm: 1,
    validateEvery: 0,
    validationSubset: 500,
  };

  it("gives train exactly the best trial's settings: its constant schedule, refined rate in full", () => {
    // A refined trial: log-spaced rate (not 3 significant digits), no decay, 10 epochs.
    const config = { ...shared, learningRate: 0.0031622776601683794, weightDecay: 1e-5 };
    const trial = trialOptions(
      config,
      { epochs: 10, learningRateDecay: false },
      '/tmp/t/trial-3',
      'auto',
    );
    const command = trainCommandFor(trial);
    expect(command).toMatch(/^trainkit train /);
    expect(command).toContain('--schedule constant');
    const argv = command.replace(/^trainkit train /, '').split(' ');
    expect(pick(parseTrainOptions(argv).options)).toEqual(pick(trial));
  });

  it('with the default settings, prints only what differs from train (cosine decay when the budget asks)', () => {
    const config = {
      model: 'mlp',
      dropout: 0.5,
      validationFraction: 0.1,
      seed: 42,
      batchSize: 128,
      accumulate: 1,
      optimizer: 'adam',
      warmupSteps: 100,
      validateEvery: 100,
      validationSubset: 1000,
      learningRate: 0.001,
      weightDecay: 0,
    };
    const decayed = trialOptions(
      config,
      { epochs: 3, learningRateDecay: true },
      '/tmp/t/trial-0',
      'auto',
    );
    expect(trainCommandFor(decayed)).toBe('trainkit train --lr 0.001 --weight-decay 0 --epochs 3');
    const constant = trialOptions(
      config,
      { epochs: 3, learningRateDecay: false },
      '/tmp/t/trial-0',
      'auto',
    );
    expect(trainCommandFor(constant)).toBe(
      'trainkit train --lr 0.001 --weight-decay 0 --epochs 3 --schedule constant',
    );
    expect(pick(parseTrainOptions(trainCommandFor(constant).split(' ').slice(2)).options)).toEqual(
      pick(constant),
    );
  });
});
