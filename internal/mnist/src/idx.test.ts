import { describe, expect, it } from 'vitest';
import { IdxFormatError, parseIdx } from './idx';
import { loadMnist } from './mnist';

function idx(type: number, shape: number[], payload: number[]): Uint8Array {
  const header = [0, 0, type, shape.length];
  for (const size of shape)
    header.push((size >>> 24) & 255, (size >>> 16) & 255, (size >>> 8) & 255, size & 255);
  return new Uint8Array([...header, ...payload]);
}

describe('parseIdx', () => {
  it('decodes uint8 and big-endian int32 payloads', () => {
    const bytes = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
    const parsed = parseIdx(bytes);
    expect(parsed.type).toBe('uint8');
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const ints = parseIdx(idx(0x0c, [2], [0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe]));
    expect(Array.from(ints.data)).toEqual([256, -2]);
  });

  it.each([
    [
      'a non-zero first byte',
      new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 7]),
      'must start with two zero bytes',
    ],
    ['an unknown type', idx(0x07, [1], [7]), 'declares element type 0x07'],
    ['zero dimensions', new Uint8Array([0, 0, 8, 0]), 'declares 0 dimensions'],
    [
      'a truncated payload',
      idx(0x08, [2, 2], [1, 2, 3]),
      'has 15 bytes but its header [2, 2] of uint8 needs 16',
    ],
    ['extra bytes', idx(0x08, [1], [1, 2]), 'has 10 bytes but its header [1] of uint8 needs 9'],
    ['a truncated header', new Uint8Array([0, 0, 8, 2, 0, 0]), 'fewer than its 12-byte header'],
  ])('rejects %s', (_name, bytes, message) => {
    expect(() => parseIdx(bytes)).toThrow(IdxFormatError);
    expect(() => parseIdx(bytes)).toThrow(message);
  });
});

describe('loadMnist', () => {
  it('loads the real test split with validated headers', async () => {
    const data = await loadMnist({ split: 'test', limit: 100 });
    expect(data.count).toBe(100);
    expect(data.rows).toBe(28);
    expect(data.columns).toBe(28);
    expect(data.images.length).toBe(100 * 784);
    // The first MNIST test digits are 7, 2, 1, 0, 4, 1, 4, 9, 5, 9.
    expect(Array.from(data.labels.slice(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(Math.max(...data.images)).toBe(1);
    expect(Math.min(...data.images)).toBe(0);
  });

  it('loads all 60,000 training labels with every class present', async () => {
    const data = await loadMnist({ split: 'train' });
    expect(data.count).toBe(60_000);
    const counts = new Array(10).fill(0);
    for (const label of data.labels) counts[label]++;
    // Known MNIST training class counts.
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });
});
