import type { Tensor } from '@tensorflow/tfjs-core';
import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import type { HistogramData } from '../event-codec';
import { computeHistogram } from '../histogram';
import type { PixelImage } from '../image';
import type { ImageOptions, SummaryOptions } from '../summary-values';
import type { SummaryWriter, WriteOptions } from '../summary-writer';

/** Checks a tensor argument (by shape, so a tensor of another tfjs copy passes). */
function checkTensor(functionName: string, tensor: unknown): void {
  const candidate = tensor as { data?: unknown; shape?: unknown } | null;
  if (typeof candidate?.data !== 'function' || !Array.isArray(candidate.shape)) {
    checkArguments(functionName).fail('tensor', tensor, 'a tf.Tensor');
  }
}

/** Checks a writer argument. */
function checkWriter(functionName: string, writer: unknown, method: 'histogram' | 'image'): void {
  if (typeof (writer as Record<string, unknown> | null)?.[method] !== 'function') {
    checkArguments(functionName).fail(
      'writer',
      writer,
      'a SummaryWriter',
      "Open one with createSummaryWriter (from '@trainkit/tensorboard/node' in Node).",
    );
  }
}

/**
 * Computes a TensorBoard histogram (TensorFlow's default buckets) of a tensor's
 * values. Reads the data asynchronously (`tensor.data()`); does not dispose the
 * tensor.
 *
 * @param tensor - Any numeric tensor, e.g. a layer's kernel.
 * @returns The histogram (see `computeHistogram`).
 *
 * @example
 * ```ts
 * const h = await tensorHistogram(model.getWeights()[0]);
 * writer.histogram('dense/kernel', h, epoch);
 * ```
 */
export async function tensorHistogram(tensor: Tensor): Promise<HistogramData> {
  checkTensor('tensorHistogram', tensor);
  const data = await tensor.data();
  if (typeof data[0] === 'string') {
    checkArguments('tensorHistogram').fail('tensor', tensor.dtype, 'a numeric tensor');
  }
  return computeHistogram(data as ArrayLike<number>);
}

/**
 * Logs a histogram of a tensor's values.
 *
 * @param writer - The run's writer.
 * @param tag - The chart name.
 * @param tensor - Any numeric tensor (not disposed).
 * @param step - Step (e.g. epoch).
 * @param options - Description, display name, wall time.
 * @returns Resolves once the histogram is buffered.
 *
 * @example
 * ```ts
 * await writeTensorHistogram(writer, 'logits', logits, step);
 * ```
 */
export async function writeTensorHistogram(
  writer: SummaryWriter,
  tag: string,
  tensor: Tensor,
  step: number,
  options?: SummaryOptions & WriteOptions,
): Promise<void> {
  checkWriter('writeTensorHistogram', writer, 'histogram');
  checkTensor('writeTensorHistogram', tensor);
  writer.histogram(tag, await tensorHistogram(tensor), step, options);
}

/**
 * Converts an image tensor to pixel images for the writer: `[height, width,
 * channels]` or a batch `[n, height, width, channels]` with 1, 2, 3 or 4
 * channels. float32 tensors hold 0..1 (scaled by 255 and clipped, like
 * `tf.summary.image`); int32 and bool tensors hold 0..255 (clipped).
 *
 * @param tensor - The image or batch (not disposed).
 * @returns One {@link PixelImage} per image.
 * @throws ShapeMismatchError for another rank or channel count.
 *
 * @example
 * ```ts
 * writer.image('inputs', await tensorToImages(xs.slice([0], [3])), step);
 * ```
 */
export async function tensorToImages(tensor: Tensor): Promise<PixelImage[]> {
  checkTensor('tensorToImages', tensor);
  const shape = tensor.shape;
  const batch = shape.length === 4 ? shape : shape.length === 3 ? [1, ...shape] : undefined;
  const channels = batch?.[3];
  if (batch === undefined || channels === undefined || channels < 1 || channels > 4) {
    throw new ShapeMismatchError({
      functionName: 'tensorToImages',
      argument: 'tensor',
      expected: '[height, width, channels] or [n, height, width, channels] with 1 to 4 channels',
      actual: shape,
      fix: 'Add a channel axis to gray images, e.g. tensor.expandDims(-1).',
    });
  }
  const [count, height, width] = batch as [number, number, number, number];
  const data = await tensor.data();
  const size = height * width * channels;
  const images: PixelImage[] = [];
  for (let i = 0; i < count; i++) {
    const slice = data as ArrayLike<number> as Float32Array | Int32Array | Uint8Array;
    const part = slice.subarray(i * size, (i + 1) * size);
    let pixels: Float32Array | Uint8Array;
    if (tensor.dtype === 'float32') {
      pixels = part as Float32Array;
    } else {
      pixels = new Uint8Array(size);
      for (let j = 0; j < size; j++) {
        const v = part[j]!;
        pixels[j] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
    images.push({ width, height, channels: channels as 1 | 2 | 3 | 4, data: pixels });
  }
  return images;
}

/**
 * Logs an image tensor (or a batch, first `maxOutputs` images) as PNG.
 *
 * @param writer - The run's writer.
 * @param tag - The chart name.
 * @param tensor - `[h, w, c]` or `[n, h, w, c]` (not disposed).
 * @param step - Step.
 * @param options - `maxOutputs` (default 3), description, wall time.
 * @returns Resolves once the images are buffered.
 *
 * @example
 * ```ts
 * await writeTensorImages(writer, 'misclassified', images, epoch, { maxOutputs: 8 });
 * ```
 */
export async function writeTensorImages(
  writer: SummaryWriter,
  tag: string,
  tensor: Tensor,
  step: number,
  options?: ImageOptions & WriteOptions,
): Promise<void> {
  checkWriter('writeTensorImages', writer, 'image');
  checkTensor('writeTensorImages', tensor);
  writer.image(tag, await tensorToImages(tensor), step, options);
}
