import { TrainkitError } from '@trainkit/core';

const idxFormatMarker = Symbol.for('trainkit.error.IdxFormatError');

/** An IDX file's header or size does not match its content. */
export class IdxFormatError extends TrainkitError {
  readonly [idxFormatMarker] = true;
  override name = 'IdxFormatError';

  static override isInstance(error: unknown): error is IdxFormatError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[idxFormatMarker] === true
    );
  }
}

/** Element types an IDX file can declare (third byte of the magic number). */
const elementTypes = {
  8: { name: 'uint8', bytes: 1 },
  9: { name: 'int8', bytes: 1 },
  11: { name: 'int16', bytes: 2 },
  12: { name: 'int32', bytes: 4 },
  13: { name: 'float32', bytes: 4 },
  14: { name: 'float64', bytes: 8 },
} as const;

export type IdxElementType = (typeof elementTypes)[keyof typeof elementTypes]['name'];

/** A parsed IDX array: its shape and its values, big-endian decoded. */
export interface IdxArray {
  readonly type: IdxElementType;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** The header of an IDX file: element type, shape, and where the values start. */
export interface IdxHeader {
  readonly type: IdxElementType;
  readonly shape: readonly number[];
  /** Bytes of the header: 4 + 4 per dimension. */
  readonly headerBytes: number;
  /** Bytes per value. */
  readonly elementBytes: number;
  /** The file size the header implies: header + product of the dimensions x element size. */
  readonly expectedBytes: number;
}

/**
 * Decodes and checks an IDX header from the first bytes of a file (at least 4;
 * `4 + 4 * rank` for the whole header): two zero bytes, a known element type,
 * at least one dimension. Returns `undefined` when more bytes are needed.
 *
 * @param bytes - The start of the file.
 * @param name - A name for error messages (usually the file path).
 * @returns The header, or `undefined` if `bytes` is shorter than the header.
 * @throws IdxFormatError for a bad magic number or a size beyond 2^53 bytes.
 *
 * @example
 * ```ts
 * const header = parseIdxHeader(firstBytes, 'train-images-idx3-ubyte');
 * header?.shape; // [60000, 28, 28]
 * ```
 */
export function parseIdxHeader(bytes: Uint8Array, name = 'IDX data'): IdxHeader | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      `parseIdx: ${name} must start with two zero bytes, got 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}. Is it gzip-compressed? Decompress it first.`,
    );
  }
  const typeCode = bytes[2]!;
  const type = elementTypes[typeCode as keyof typeof elementTypes];
  if (type === undefined) {
    throw new IdxFormatError(
      `parseIdx: ${name} declares element type 0x${hex(typeCode)}, which is not an IDX type (0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e).`,
    );
  }
  const rank = bytes[3]!;
  if (rank === 0)
    throw new IdxFormatError(`parseIdx: ${name} declares 0 dimensions; expected >= 1.`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    shape.push(size);
    count *= size;
  }
  const expectedBytes = headerBytes + count * type.bytes;
  if (!Number.isSafeInteger(expectedBytes)) {
    throw new IdxFormatError(
      `parseIdx: ${name} declares shape [${shape.join(', ')}] of ${type.name}, more than 2^53 bytes. The header is damaged or not an IDX header.`,
    );
  }
  return { type: type.name, shape, headerBytes, elementBytes: type.bytes, expectedBytes };
}

/**
 * Parses an IDX file (the MNIST format): a 4-byte magic number (two zero bytes,
 * the element type, the number of dimensions), one big-endian uint32 per
 * dimension, then the values in row-major order.
 *
 * The header is validated: the zero bytes, a known element type, at least one
 * dimension, and a payload whose size is exactly the product of the dimensions.
 *
 * @param bytes The whole file.
 * @param name A name for error messages (usually the file path).
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const header = parseIdxHeader(bytes, name);
  if (header === undefined) {
    const needed = bytes.length < 4 ? 4 : 4 + 4 * bytes[3]!;
    throw new IdxFormatError(
      bytes.length < 4
        ? `parseIdx: ${name} has ${bytes.length} bytes, fewer than the 4-byte magic number. Is the file complete?`
        : `parseIdx: ${name} has ${bytes.length} bytes, fewer than its ${needed}-byte header.`,
    );
  }
  if (bytes.length !== header.expectedBytes) {
    throw new IdxFormatError(
      `parseIdx: ${name} has ${bytes.length} bytes but its header [${header.shape.join(', ')}] of ${header.type} needs ${header.expectedBytes}. The file is truncated or not the file its header describes.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = (header.expectedBytes - header.headerBytes) / header.elementBytes;
  return {
    type: header.type,
    shape: header.shape,
    data: decode(view, header.headerBytes, count, header.type),
  };
}

function decode(
  view: DataView,
  offset: number,
  count: number,
  type: IdxElementType,
): IdxArray['data'] {
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
