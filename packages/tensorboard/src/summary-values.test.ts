import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, TensorDType } from './event-codec';
import { computeHistogram } from './histogram';
import { histogramValue, imageValue, scalarValue, textValue } from './summary-values';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

describe('scalarValue', () => {
  it('writes NaN and infinities as float32 NaN/Inf, like TensorFlow', () => {
    const encode = (value: number) =>
      hex(encodeEvent({ wallTime: 0, step: 0, summary: [scalarValue('x', value)] }).subarray(-4));
    expect(encode(Number.NaN)).toBe('00 00 c0 7f');
    expect(encode(Number.POSITIVE_INFINITY)).toBe('00 00 80 7f');
    expect(encode(Number.NEGATIVE_INFINITY)).toBe('00 00 80 ff');
    // Beyond float32's range: infinity.
    expect(encode(1e39)).toBe('00 00 80 7f');
    const decoded = decodeEvent(
      encodeEvent({ wallTime: 0, step: 0, summary: [scalarValue('x', Number.NaN)] }),
    );
    expect(decoded.summary?.[0]?.content).toEqual({ kind: 'simple', value: Number.NaN });
  });

  it('writes a rank-0 float32 tensor with scalars metadata in tensor encoding', () => {
    expect(scalarValue('loss', 0.5, { encoding: 'tensor', description: 'mean loss' })).toEqual({
      tag: 'loss',
      metadata: { pluginName: 'scalars', dataClass: 'scalar', description: 'mean loss' },
      content: {
        kind: 'tensor',
        tensor: { dtype: TensorDType.float32, shape: [], floatValues: [0.5] },
      },
    });
  });

  it('adds metadata to a simple value only for a description or display name', () => {
    expect(scalarValue('a', 1)).toEqual({ tag: 'a', content: { kind: 'simple', value: 1 } });
    expect(scalarValue('a', 1, { displayName: 'A' }).metadata).toEqual({
      pluginName: 'scalars',
      dataClass: 'scalar',
      displayName: 'A',
    });
  });

  it('rejects non-numbers and bad tags', () => {
    expect(() => scalarValue('a', '1' as unknown as number)).toThrow(
      'scalarValue: value must be a number (NaN and Infinity are allowed), got "1".',
    );
    expect(() => scalarValue('', 1)).toThrow(InvalidArgumentError);
    expect(() => scalarValue('a', 1, { encoding: 'double' as 'tensor' })).toThrow(
      /encoding must be one of 'simple-value', 'tensor'/,
    );
  });
});

describe('histogramValue', () => {
  it('computes from values or passes a valid histogram through', () => {
    const computed = histogramValue('w', [1, 2, 3]);
    expect(computed.content).toEqual({ kind: 'histogram', histogram: computeHistogram([1, 2, 3]) });
    const h = computeHistogram([5]);
    expect(histogramValue('w', h).content).toEqual({ kind: 'histogram', histogram: h });
    expect(() => histogramValue('w', { ...h, num: 2 })).toThrow(
      /histogramValue: histogram\.num must be/,
    );
  });
});

describe('imageValue', () => {
  const gray = (fill: number, width = 2, height = 2) => ({
    width,
    height,
    channels: 1 as const,
    data: new Uint8Array(width * height).fill(fill),
  });

  it('writes [width, height, png...] as a string tensor with images metadata', () => {
    const value = imageValue('digits', [gray(10), gray(20), gray(30), gray(40)], { maxOutputs: 3 });
    expect(value.metadata).toEqual({ pluginName: 'images', dataClass: 'blob-sequence' });
    if (value.content.kind !== 'tensor') throw new Error('expected a tensor');
    const { tensor } = value.content;
    expect(tensor.dtype).toBe(TensorDType.string);
    expect(tensor.shape).toEqual([5]);
    const strings = tensor.stringValues!;
    expect(new TextDecoder().decode(strings[0])).toBe('2');
    expect(new TextDecoder().decode(strings[1])).toBe('2');
    expect(strings.slice(2).map((png) => decode(png).data[0])).toEqual([10, 20, 30]);
  });

  it('defaults to 3 outputs, like tf.summary.image', () => {
    const value = imageValue('x', [gray(1), gray(2), gray(3), gray(4), gray(5)]);
    expect(value.content.kind === 'tensor' && value.content.tensor.shape).toEqual([5]);
  });

  it('rejects batches of different sizes and empty batches', () => {
    expect(() => imageValue('x', [gray(1), gray(2, 3, 2)])).toThrow(ShapeMismatchError);
    expect(() => imageValue('x', [gray(1), gray(2, 3, 2)])).toThrow(
      'imageValue: images[1] must have shape 2x2 (height x width, like images[0]), got 2x3.',
    );
    expect(() => imageValue('x', [])).toThrow(
      /images must be an image or a non-empty array of images/,
    );
    expect(() => imageValue('x', gray(1), { maxOutputs: 0 })).toThrow(
      /maxOutputs must be an integer >= 1, got 0/,
    );
  });

  it('names the image of a batch whose data does not match its size', () => {
    expect(() => imageValue('x', [gray(1), { ...gray(1), data: new Uint8Array(3) }])).toThrow(
      /imageValue: images\[1\]\.data must have shape length 4/,
    );
  });
});

describe('textValue', () => {
  const strings = (value: ReturnType<typeof textValue>) =>
    value.content.kind === 'tensor'
      ? {
          shape: value.content.tensor.shape,
          text: value.content.tensor.stringValues!.map((s) => new TextDecoder().decode(s)),
        }
      : undefined;

  it('writes a scalar string, a list or a table with text metadata', () => {
    const one = textValue('notes', '**bold** é');
    expect(one.metadata).toEqual({ pluginName: 'text', dataClass: 'tensor' });
    expect(strings(one)).toEqual({ shape: [], text: ['**bold** é'] });
    expect(strings(textValue('l', ['a', 'b']))).toEqual({ shape: [2], text: ['a', 'b'] });
    expect(
      strings(
        textValue('t', [
          ['a', 'b'],
          ['c', 'd'],
          ['e', 'f'],
        ]),
      ),
    ).toEqual({
      shape: [3, 2],
      text: ['a', 'b', 'c', 'd', 'e', 'f'],
    });
  });

  it('rejects ragged tables and non-strings', () => {
    expect(() => textValue('t', [['a', 'b'], ['c']])).toThrow(ShapeMismatchError);
    expect(() => textValue('t', [['a', 'b'], ['c']])).toThrow(
      'textValue: text[1] must have shape 2 cells (like text[0]), got 1 cells. Pad short rows with empty strings.',
    );
    expect(() => textValue('t', [])).toThrow(InvalidArgumentError);
    expect(() => textValue('t', 5 as unknown as string)).toThrow(
      /text must be a string, a non-empty array/,
    );
    expect(() => textValue('t', [['a', 1 as unknown as string]])).toThrow(
      /text\[0\]\[1\] must be a string/,
    );
  });
});
