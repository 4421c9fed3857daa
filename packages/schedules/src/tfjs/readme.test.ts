// The README examples, as written (the package name resolves to the sources via
// the vitest alias and the tsconfig paths), with their stated results asserted.

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  cosineDecay,
  join,
  linearSchedule,
  oneCycle,
  oneCycleMomentum,
  previewSchedule,
  reduceOnPlateau,
  reduceOnPlateauFromJSON,
  reduceOnPlateauToJSON,
} from '@trainkit/schedules';
import { batchLearningRateScheduler, reduceLearningRateOnPlateau } from '@trainkit/schedules/tfjs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README examples', () => {
  it('warmup then cosine decay, and its preview', () => {
    const warmupSteps = 500;
    const totalSteps = 10_000;
    const schedule = join(
      [
        linearSchedule({ initialValue: 0, endValue: 0.1, transitionSteps: warmupSteps }),
        cosineDecay({ initialValue: 0.1, decaySteps: totalSteps - warmupSteps, alpha: 0.01 }),
      ],
      [warmupSteps],
    );
    expect(schedule(0)).toBe(0);
    expect(schedule(250)).toBe(0.05);
    expect(schedule(500)).toBe(0.1);
    expect(schedule(20_000)).toBeCloseTo(0.001, 15);
    const preview = previewSchedule(schedule, { steps: totalSteps, title: 'warmup + cosine' });
    // the README shows this exact output
    expect(readme).toContain(`\`\`\`\n${preview}\n\`\`\``);
  });

  it('a per-batch one-cycle schedule inside model.fit', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
    const x = tf.randomNormal([256, 4]);
    const y = tf.randomNormal([256, 1]);

    const epochs = 4;
    const batchSize = 32;
    const totalSteps = epochs * Math.ceil(256 / batchSize); // optimizer updates in the run
    const cycle = { maxValue: 0.05, totalSteps };
    const history = await model.fit(x, y, {
      epochs,
      batchSize,
      verbose: 0,
      callbacks: [
        batchLearningRateScheduler({
          schedule: oneCycle(cycle),
          momentum: oneCycleMomentum(cycle),
        }),
      ],
    });
    const lastOfEpoch = [7, 15, 23, 31];
    expect(history.history.learning_rate).toEqual(lastOfEpoch.map(oneCycle(cycle)));
    expect(history.history.momentum).toEqual(lastOfEpoch.map(oneCycleMomentum(cycle)));

    const onPlateau = reduceLearningRateOnPlateau({
      monitor: 'val_loss',
      patience: 3,
      factor: 0.5,
    });
    await model.fit(x, y, { epochs: 5, validationSplit: 0.25, verbose: 0, callbacks: [onPlateau] });
    const checkpoint = JSON.stringify(reduceOnPlateauToJSON(onPlateau.state!));
    expect(JSON.parse(checkpoint).epochs).toBe(5);
    const resumed = reduceLearningRateOnPlateau({
      monitor: 'val_loss',
      patience: 3,
      factor: 0.5,
      state: reduceOnPlateauFromJSON(checkpoint),
    });
    await model.fit(x, y, { epochs: 1, validationSplit: 0.25, verbose: 0, callbacks: [resumed] });
    expect(resumed.state?.epochs).toBe(6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('reduce on plateau with a saved state', () => {
    const plateau = reduceOnPlateau({ initialValue: 0.1, patience: 2, factor: 0.5 });
    let state = plateau.init();
    for (const validationLoss of [1.0, 0.8, 0.81, 0.8, 0.82]) {
      state = plateau.update(state, validationLoss);
    }
    expect(state.learningRate).toBe(0.05);
    const saved = JSON.stringify(reduceOnPlateauToJSON(state));
    const restored = reduceOnPlateauFromJSON(saved);
    expect(restored).toEqual(state);
    expect(plateau.update(restored, 0.9)).toEqual(plateau.update(state, 0.9));
  });
});
