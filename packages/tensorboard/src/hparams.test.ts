import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import {
  decodeHParamsPluginData,
  experimentTag,
  hparamsExperimentValue,
  hparamsSessionEndValue,
  hparamsSessionStartValue,
  sessionEndInfoTag,
  sessionStartInfoTag,
} from './hparams';

const hex = (bytes: Uint8Array | undefined) =>
  [...(bytes ?? [])].map((b) => b.toString(16).padStart(2, '0')).join(' ');

describe('hparamsSessionStartValue', () => {
  it('encodes HParamsPluginData { session_start_info { hparams map } } byte for byte', () => {
    const value = hparamsSessionStartValue({ hparams: { lr: 0.5 } });
    expect(value.tag).toBe(sessionStartInfoTag);
    expect(value.metadata).toMatchObject({ pluginName: 'hparams', dataClass: 'tensor' });
    // prettier-ignore
    expect(hex(value.metadata?.pluginContent)).toBe(
      hex(
        new Uint8Array([
          0x1a,
          0x11, // HParamsPluginData.session_start_info: field 3, 17 bytes (version 0 omitted)
          0x0a,
          0x0f, //   SessionStartInfo.hparams map entry: field 1, 15 bytes
          0x0a,
          0x02,
          0x6c,
          0x72, //     key: field 1, "lr"
          0x12,
          0x09, //     value: field 2, google.protobuf.Value, 9 bytes
          0x11, //       number_value: field 2, 64-bit
          0x00,
          0x00,
          0x00,
          0x00,
          0x00,
          0x00,
          0xe0,
          0x3f, // 0.5
        ]),
      ),
    );
    // TensorBoard's null tensor: DT_FLOAT, shape [0].
    expect(value.content).toEqual({ kind: 'tensor', tensor: { dtype: 1, shape: [0] } });
  });

  it('round-trips numbers, strings, booleans and the options', () => {
    const sessionStart = {
      hparams: { lr: 0.001, optimizer: 'adam', nesterov: false, layers: 3 },
      groupName: 'g1',
      modelUri: 'file:///ckpt',
      monitorUrl: 'http://x',
      startTimeSecs: 1700000000.25,
    };
    const value = hparamsSessionStartValue(sessionStart);
    expect(decodeHParamsPluginData(value.metadata!.pluginContent!)).toEqual({
      kind: 'session-start',
      sessionStart,
    });
  });

  it('rejects non-finite numbers and other value types', () => {
    expect(() => hparamsSessionStartValue({ hparams: { lr: Number.NaN } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => hparamsSessionStartValue({ hparams: { lr: Number.NaN } })).toThrow(
      'hparamsSessionStartValue: hparams.lr must be a finite number, a string or a boolean, got NaN.',
    );
    expect(() =>
      hparamsSessionStartValue({ hparams: { layers: [1, 2] as unknown as number } }),
    ).toThrow(/hparams\.layers must be a finite number, a string or a boolean/);
    expect(() =>
      hparamsSessionStartValue({ hparams: null as unknown as Record<string, number> }),
    ).toThrow(/hparams must be an object/);
  });
});

describe('hparamsExperimentValue', () => {
  const experiment = {
    hparams: [
      { name: 'lr', domain: { min: 1e-4, max: 0.1 }, description: 'learning rate' },
      { name: 'optimizer', domain: ['adam', 'sgd'], displayName: 'Optimizer' },
      { name: 'nesterov', type: 'boolean' as const },
      { name: 'batch', domain: [32, 64, 128] },
      { name: 'free' },
    ],
    metrics: [
      { tag: 'epoch_loss', group: 'validation', datasetType: 'validation' as const },
      {
        tag: 'epoch_loss',
        group: 'train',
        datasetType: 'training' as const,
        displayName: 'train loss',
      },
    ],
    description: 'grid',
    timeCreatedSecs: 1700000000,
  };

  it('round-trips, inferring types from domains', () => {
    const value = hparamsExperimentValue(experiment);
    expect(value.tag).toBe(experimentTag);
    const decoded = decodeHParamsPluginData(value.metadata!.pluginContent!);
    expect(decoded).toEqual({
      kind: 'experiment',
      experiment: {
        ...experiment,
        hparams: [
          { ...experiment.hparams[0], type: 'number' },
          { ...experiment.hparams[1], type: 'string' },
          experiment.hparams[2],
          { ...experiment.hparams[3], type: 'number' },
          experiment.hparams[4],
        ],
      },
    });
  });

  it('writes the HParamInfo type codes of the current api.proto (1 string, 2 bool, 3 float64)', () => {
    const value = hparamsExperimentValue({
      hparams: [{ name: 'a', type: 'boolean' }],
      metrics: [],
    });
    // 12 07 | 22 05 | 0a 01 61 | 20 02  (experiment > hparam_infos > name "a", type 2)
    expect(hex(value.metadata?.pluginContent)).toBe('12 07 22 05 0a 01 61 20 02');
  });

  it('rejects inconsistent definitions with typed errors', () => {
    const fn = hparamsExperimentValue;
    expect(() => fn({ hparams: [{ name: '' }], metrics: [] })).toThrow(
      'hparamsExperimentValue: experiment.hparams[0].name must be a non-empty string, got "".',
    );
    expect(() => fn({ hparams: [{ name: 'a' }, { name: 'a' }], metrics: [] })).toThrow(
      /experiment\.hparams\[1\]\.name must be unique/,
    );
    expect(() => fn({ hparams: [{ name: 'a', domain: [1, 'x'] }], metrics: [] })).toThrow(
      /experiment\.hparams\[0\]\.domain\[1\] must be a number like the other values/,
    );
    expect(() => fn({ hparams: [{ name: 'a', domain: { min: 2, max: 1 } }], metrics: [] })).toThrow(
      /experiment\.hparams\[0\]\.domain\.max must be a finite number >= 2, got 1/,
    );
    expect(() =>
      fn({ hparams: [{ name: 'a', type: 'string', domain: { min: 0, max: 1 } }], metrics: [] }),
    ).toThrow(/type must be 'number' for an interval domain/);
    expect(() => fn({ hparams: [], metrics: [{ tag: '' }] })).toThrow(
      /experiment\.metrics\[0\]\.tag must be a non-empty string/,
    );
    expect(() => fn({ hparams: [], metrics: [{ tag: 'a' }, { tag: 'a' }] })).toThrow(
      /must be a unique \(group, tag\) pair/,
    );
  });
});

describe('hparamsSessionEndValue', () => {
  it('round-trips status and end time', () => {
    const value = hparamsSessionEndValue({ status: 'failure', endTimeSecs: 12.5 });
    expect(value.tag).toBe(sessionEndInfoTag);
    expect(decodeHParamsPluginData(value.metadata!.pluginContent!)).toEqual({
      kind: 'session-end',
      sessionEnd: { status: 'failure', endTimeSecs: 12.5 },
    });
    // status success = 1: 22 02 08 01
    expect(hex(hparamsSessionEndValue({ status: 'success' }).metadata?.pluginContent)).toBe(
      '22 02 08 01',
    );
  });

  it('rejects an unknown status', () => {
    expect(() => hparamsSessionEndValue({ status: 'done' as 'success' })).toThrow(
      "hparamsSessionEndValue: status must be one of 'unknown', 'success', 'failure', 'running', got \"done\".",
    );
  });
});
