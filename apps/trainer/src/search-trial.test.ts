// trialOptions: what a worker trains for a trial it takes from the queue.
import { InvalidArgumentError } from '@trainkit/core';
import type { Config, TrialBudget } from '@trainkit/search';
import { describe, expect, it } from 'vitest';
import { defaultTrainOptions } from './options';
import { searchParameters, sharedTrialSettings, trialOptions } from './search-trial';

const directory = '/tmp/trainkit-search-trial-test/trial-3';
const budget: TrialBudget = { epochs: 2, learningRateDecay: false };

/** The configuration a trainer search puts in its trials (every shared setting as a value). */
function trainerConfig(): Config {
  const parameters = searchParameters(
    { ...defaultTrainOptions, limit: 6000 },
    { learningRates: [1e-2], weightDecays: [0] },
  );
  return Object.fromEntries(
    Object.entries(parameters).map(([name, parameter]) => [name, parameter.values[0]!]),
  );
}

describe('trialOptions', () => {
  it("trains a trainer search's trial with its settings", () => {
    const options = trialOptions(trainerConfig(), budget, directory, 'wasm');
    expect(options).toMatchObject({
      learningRate: 1e-2,
      weightDecay: 0,
      limit: 6000,
      model: 'mlp',
      epochs: 2,
      schedule: 'constant',
      test: false,
      name: 'trial-3',
    });
  });

  it('refuses a trial of another search (its configuration lacks the trainer settings)', () => {
    // E.g. a `trainkit-search coordinator` whose space is { learningRate, weightDecay } on the
    // same Redis queue: training MNIST with defaults and returning an accuracy as its value
    // would corrupt that search (its direction may even be minimize).
    const foreign: Config = { learningRate: 0.1, weightDecay: 1e-4 };
    expect(() => trialOptions(foreign, budget, directory, 'wasm')).toThrow(InvalidArgumentError);
    expect(() => trialOptions(foreign, budget, directory, 'wasm')).toThrow(
      /config\.model.*another search.*--queue/s,
    );
    for (const key of sharedTrialSettings.filter((k) => k !== 'limit' && k !== 'clipNorm')) {
      const { [key]: _, ...without } = trainerConfig();
      expect(() => trialOptions(without, budget, directory, 'wasm')).toThrow(
        new RegExp(`config\\.${key}`),
      );
    }
  });
});
