import { StateRestoreError } from '@trainkit/core';
import { recordEpoch, recordTraining, recordValidation } from '@trainkit/curves';
import { updateRunningMean } from '@trainkit/metrics';
import { describe, expect, it } from 'vitest';
import { defaultTrainOptions } from './options';
import { createRunState, curveInterval, runStateFromJSON, runStateToJSON } from './run-state';

function midRunState() {
  const state = createRunState({ ...defaultTrainOptions, clipNorm: 1, limit: 2000 }, 'a');
  recordTraining(state.history, 0, 2.3);
  recordTraining(state.history, 9, Number.NaN);
  recordValidation(state.history, 10, 1.1);
  recordEpoch(state.history, 0, 10, { loss: 1.5, val_loss: 1.1, val_accuracy: 0.7 });
  updateRunningMean(state.updateLoss, 0.5, 64);
  Object.assign(state, { epoch: 1, batch: 3, updates: 11, microBatches: 24, trainingMs: 1234.5 });
  state.best = { epoch: 1, updates: 10, accuracy: 0.7, loss: 1.1 };
  state.eventFiles = { 'train/events.out.tfevents.1.h.2.0': 88 };
  return state;
}

describe('run state', () => {
  it('round-trips through JSON text exactly (NaN losses included)', () => {
    const state = midRunState();
    const restored = runStateFromJSON(JSON.parse(JSON.stringify(runStateToJSON(state))));
    expect(restored).toEqual({ ...state, options: { ...state.options, name: undefined } });
    expect(Number.isNaN(restored.history.train.values[1])).toBe(true);
  });

  it.each([
    [
      'format',
      (j: Record<string, unknown>) => {
        j.format = 'x';
      },
      /field format must be "trainkit\.trainer\.run", got "x"/,
    ],
    [
      'an edited counter',
      (j: Record<string, unknown>) => {
        j.updates = 1073741953;
      },
      /field updates must be <= microBatches = 24 .* got 1073741953/,
    ],
    [
      'an edited epoch',
      (j: Record<string, unknown>) => {
        j.epoch = 2;
      },
      /field epoch must equal the 1 epochs recorded in the history, got 2/,
    ],
    [
      'a negative batch',
      (j: Record<string, unknown>) => {
        j.batch = -1;
      },
      /field batch must be an integer >= 0, got -1/,
    ],
    [
      'a bad option',
      (j: Record<string, unknown>) => {
        (j.options as Record<string, unknown>).model = 'rnn';
      },
      /field options\.model must be one of mlp, cnn, got "rnn"/,
    ],
  ])('refuses %s with a StateRestoreError naming the field', (_name, edit, message) => {
    const json = JSON.parse(JSON.stringify(runStateToJSON(midRunState())));
    edit(json);
    expect(() => runStateFromJSON(json)).toThrow(StateRestoreError);
    expect(() => runStateFromJSON(json)).toThrow(message);
  });

  it('puts a training-curve point every tenth of an epoch, at least every 10 updates', () => {
    expect([curveInterval(22), curveInterval(422), curveInterval(1000)]).toEqual([10, 42, 100]);
  });
});
