/**
 * Builders of `Summary.Value`s for each kind TensorBoard shows: scalars,
 * histograms, images and text. Pure: they validate input and return data that
 * {@link encodeEvent} serializes; the writer wraps them in events.
 */

import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import type { HistogramData, SummaryMetadata, SummaryValue } from './event-codec';
import { TensorDType } from './event-codec';
import { computeHistogram, validateHistogram } from './histogram';
import { encodeImage, type ImageInput } from './image';
import { utf8Encode } from './protobuf';
import { validateTag } from './tags';

/** Plugin names TensorBoard uses in `SummaryMetadata.plugin_data.plugin_name`. */
export const pluginNames = {
  scalars: 'scalars',
  histograms: 'histograms',
  images: 'images',
  text: 'text',
  hparams: 'hparams',
} as const;

/** Options shared by every summary kind. */
export interface SummaryOptions {
  /** Markdown description shown next to the chart (written with the tag's first value). */
  readonly description?: string;
  /** Name shown instead of the tag. */
  readonly displayName?: string;
}

/** How a scalar is stored. */
export type ScalarEncoding = 'simple-value' | 'tensor';

/** Options of {@link scalarValue}. */
export interface ScalarOptions extends SummaryOptions {
  /**
   * `simple-value` (default): the legacy `simple_value` float field, read by every
   * TensorBoard version and third-party reader (tensorboardX and PyTorch write it).
   * `tensor`: a rank-0 float32 tensor with scalars-plugin metadata, as TF 2's
   * `tf.summary.scalar` writes. Both are float32 on disk; TensorBoard's Rust data
   * server accepts nothing wider.
   */
  readonly encoding?: ScalarEncoding;
}

function describe(options: SummaryOptions | undefined, functionName: string): SummaryOptions {
  if (options === undefined) return {};
  const check = checkArguments(functionName);
  check.options('options', options, "{ description: 'mean over the epoch' }");
  if (options.description !== undefined && typeof options.description !== 'string') {
    check.fail('description', options.description, 'a string');
  }
  if (options.displayName !== undefined && typeof options.displayName !== 'string') {
    check.fail('displayName', options.displayName, 'a string');
  }
  return options;
}

function metadataFor(
  pluginName: string,
  dataClass: SummaryMetadata['dataClass'],
  options: SummaryOptions,
): SummaryMetadata {
  return {
    pluginName,
    dataClass,
    ...(options.displayName ? { displayName: options.displayName } : {}),
    ...(options.description ? { description: options.description } : {}),
  };
}

/**
 * Builds a scalar summary value.
 *
 * NaN and ±Infinity are valid: they are written as float32 NaN/±Inf, as
 * TensorFlow writes them (TensorBoard leaves them out of the chart's range).
 * Values beyond float32's range become ±Infinity; float32 keeps about 7
 * significant digits.
 *
 * @param tag - The chart name; '/' groups charts (`loss/train`).
 * @param value - Any number.
 * @param options - Encoding, description, display name.
 * @returns The summary value.
 * @throws InvalidArgumentError for an invalid tag or a non-number value.
 *
 * @example
 * ```ts
 * scalarValue('epoch_loss', 0.25); // { tag: 'epoch_loss', content: { kind: 'simple', value: 0.25 } }
 * ```
 */
export function scalarValue(tag: string, value: number, options?: ScalarOptions): SummaryValue {
  const functionName = 'scalarValue';
  validateTag(functionName, tag);
  if (typeof value !== 'number') {
    checkArguments(functionName).fail('value', value, 'a number (NaN and Infinity are allowed)');
  }
  const described = describe(options, functionName);
  const encoding = options?.encoding ?? 'simple-value';
  checkArguments(functionName).oneOf('encoding', encoding, ['simple-value', 'tensor']);
  const hasDescription = Boolean(described.description || described.displayName);
  if (encoding === 'simple-value') {
    return hasDescription
      ? {
          tag,
          metadata: metadataFor(pluginNames.scalars, 'scalar', described),
          content: { kind: 'simple', value },
        }
      : { tag, content: { kind: 'simple', value } };
  }
  return {
    tag,
    metadata: metadataFor(pluginNames.scalars, 'scalar', described),
    content: {
      kind: 'tensor',
      tensor: { dtype: TensorDType.float32, shape: [], floatValues: [value] },
    },
  };
}

function isHistogramData(input: unknown): input is HistogramData {
  return (
    typeof input === 'object' &&
    input !== null &&
    !ArrayBuffer.isView(input) &&
    !Array.isArray(input) &&
    'bucketLimits' in input
  );
}

/**
 * Builds a histogram summary value (`HistogramProto`, TensorFlow's default
 * exponential buckets; see {@link computeHistogram}).
 *
 * @param tag - The chart name.
 * @param values - Numbers (array or typed array), or a precomputed {@link HistogramData}.
 * @param options - Description, display name.
 * @returns The summary value.
 * @throws InvalidArgumentError for an invalid tag, no values, or an inconsistent histogram.
 *
 * @example
 * ```ts
 * histogramValue('dense/kernel', new Float32Array([0.1, -0.2, 0.3]));
 * ```
 */
export function histogramValue(
  tag: string,
  values: ArrayLike<number> | HistogramData,
  options?: SummaryOptions,
): SummaryValue {
  const functionName = 'histogramValue';
  validateTag(functionName, tag);
  const described = describe(options, functionName);
  const histogram = isHistogramData(values)
    ? validateHistogram(functionName, values)
    : computeHistogram(values);
  const hasDescription = Boolean(described.description || described.displayName);
  return hasDescription
    ? {
        tag,
        metadata: metadataFor(pluginNames.histograms, 'unknown', described),
        content: { kind: 'histogram', histogram },
      }
    : { tag, content: { kind: 'histogram', histogram } };
}

/** Options of {@link imageValue}. */
export interface ImageOptions extends SummaryOptions {
  /**
   * Largest number of images of a batch to keep (the first ones), like
   * `max_outputs` of `tf.summary.image`. Default 3.
   */
  readonly maxOutputs?: number;
}

const asciiDigits = (value: number): Uint8Array => utf8Encode(String(value));

/**
 * Builds an image summary value: a rank-1 string tensor
 * `[width, height, png_1, ..., png_k]` with images-plugin metadata, as
 * `tf.summary.image` writes. TensorBoard shows the k images of one step with a
 * sample slider. All images of a batch must have the same size.
 *
 * @param tag - The chart name.
 * @param images - One image or a batch (raw pixels or PNG bytes).
 * @param options - `maxOutputs` (default 3), description, display name.
 * @returns The summary value.
 * @throws ShapeMismatchError when pixel data does not match its size or the
 *   images of a batch differ in size.
 * @throws InvalidArgumentError for an invalid tag, an empty batch or a bad image.
 *
 * @example
 * ```ts
 * imageValue('inputs', { width: 28, height: 28, channels: 1, data: pixels });
 * ```
 */
export function imageValue(
  tag: string,
  images: ImageInput | readonly ImageInput[],
  options?: ImageOptions,
): SummaryValue {
  const functionName = 'imageValue';
  const check = checkArguments(functionName);
  validateTag(functionName, tag);
  const described = describe(options, functionName);
  const maxOutputs = check.integer('maxOutputs', options?.maxOutputs ?? 3, { min: 1 });
  const batch = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
  if (batch.length === 0) {
    check.fail('images', images, 'an image or a non-empty array of images');
  }
  const kept = batch.slice(0, maxOutputs);
  const encoded = kept.map((image, i) =>
    encodeImage(image, functionName, Array.isArray(images) ? `images[${i}]` : 'image'),
  );
  const first = encoded[0]!;
  encoded.forEach((image, i) => {
    if (image.width !== first.width || image.height !== first.height) {
      throw new ShapeMismatchError({
        functionName,
        argument: `images[${i}]`,
        expected: `${first.height}x${first.width} (height x width, like images[0])`,
        actual: `${image.height}x${image.width}`,
        fix: 'Images of one batch share their size; log differently sized images under different tags.',
      });
    }
  });
  return {
    tag,
    metadata: metadataFor(pluginNames.images, 'blob-sequence', described),
    content: {
      kind: 'tensor',
      tensor: {
        dtype: TensorDType.string,
        shape: [encoded.length + 2],
        stringValues: [
          asciiDigits(first.width),
          asciiDigits(first.height),
          ...encoded.map((i) => i.png),
        ],
      },
    },
  };
}

/** Text for {@link textValue}: one Markdown string, a list, or a table (rows of cells). */
export type TextInput = string | readonly string[] | readonly (readonly string[])[];

/**
 * Builds a text summary value: a string tensor with text-plugin metadata.
 * TensorBoard renders a single string as Markdown, a list or a table (rows of
 * equal length) as an HTML table of Markdown cells.
 *
 * @param tag - The chart name.
 * @param text - A string, an array of strings, or an array of rows.
 * @param options - Description, display name.
 * @returns The summary value.
 * @throws ShapeMismatchError when table rows differ in length.
 * @throws InvalidArgumentError for an invalid tag or non-string content.
 *
 * @example
 * ```ts
 * textValue('notes', '**lr** = 0.01, batch 64');
 * textValue('predictions', [['label', 'predicted'], ['7', '7'], ['4', '9']]);
 * ```
 */
export function textValue(tag: string, text: TextInput, options?: SummaryOptions): SummaryValue {
  const functionName = 'textValue';
  const check = checkArguments(functionName);
  validateTag(functionName, tag);
  const described = describe(options, functionName);
  let shape: number[];
  let cells: string[];
  if (typeof text === 'string') {
    shape = [];
    cells = [text];
  } else if (
    Array.isArray(text) &&
    text.length > 0 &&
    text.every((row) => typeof row === 'string')
  ) {
    shape = [text.length];
    cells = text as string[];
  } else if (Array.isArray(text) && text.length > 0 && text.every((row) => Array.isArray(row))) {
    const rows = text as readonly (readonly unknown[])[];
    const width = rows[0]!.length;
    if (width === 0) check.fail('text[0]', rows[0], 'a non-empty row');
    cells = [];
    rows.forEach((row, r) => {
      if (row.length !== width) {
        throw new ShapeMismatchError({
          functionName,
          argument: `text[${r}]`,
          expected: `${width} cells (like text[0])`,
          actual: `${row.length} cells`,
          fix: 'Pad short rows with empty strings.',
        });
      }
      row.forEach((cell, c) => {
        if (typeof cell !== 'string') check.fail(`text[${r}][${c}]`, cell, 'a string');
        cells.push(cell as string);
      });
    });
    shape = [rows.length, width];
  } else {
    return check.fail(
      'text',
      text,
      'a string, a non-empty array of strings, or a non-empty array of rows of strings',
    );
  }
  return {
    tag,
    metadata: metadataFor(pluginNames.text, 'tensor', described),
    content: {
      kind: 'tensor',
      tensor: { dtype: TensorDType.string, shape, stringValues: cells.map(utf8Encode) },
    },
  };
}
