// Invalid calls of core's helpers throw typed errors (found by a sweep of every export).
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c';
import { InvalidArgumentError } from './errors';
import { escapeXml } from './line-chart-svg';
import { checkThreshold } from './rules';
import { encodeJsonNumbers, readState, readStateEnvelope } from './state-json';

const bytes = new Uint8Array([1, 2, 3, 4]);

describe('invalid calls of core throw InvalidArgumentError', () => {
  it.each([
    [
      'crc32c(undefined)',
      () => crc32c(undefined as never),
      'crc32c: bytes must be a Uint8Array, got undefined.',
    ],
    [
      'crc32c([1, 2])',
      () => crc32c([1, 2] as never),
      'crc32c: bytes must be a Uint8Array, got [1, 2].',
    ],
    [
      'crc32c(bytes, -1)',
      () => crc32c(bytes, -1),
      'crc32c: start must be an integer >= 0 and <= 4, got -1.',
    ],
    [
      'crc32c(bytes, 5)',
      () => crc32c(bytes, 5),
      'crc32c: start must be an integer >= 0 and <= 4, got 5.',
    ],
    [
      'crc32c(bytes, 0, 9)',
      () => crc32c(bytes, 0, 9),
      'crc32c: end must be an integer >= 0 and <= 4, got 9. Pass 0 <= start <= end <= bytes.length.',
    ],
    [
      'crc32c(bytes, 3, 2)',
      () => crc32c(bytes, 3, 2),
      'crc32c: end must be an integer >= 3 and <= 4, got 2. Pass 0 <= start <= end <= bytes.length.',
    ],
    ['crc32c(bytes, 0.5)', () => crc32c(bytes, 0.5), /start must be an integer/],
    [
      'encodeJsonNumbers(undefined)',
      () => encodeJsonNumbers(undefined as never),
      'encodeJsonNumbers: values must be an array or a typed array of numbers, got undefined.',
    ],
    ['escapeXml(3)', () => escapeXml(3 as never), 'escapeXml: text must be a string, got 3.'],
    [
      'readStateEnvelope(f, {}, undefined)',
      () => readStateEnvelope('f', {}, undefined as never),
      /^readStateEnvelope: format must be an object such as/,
    ],
    [
      'readState(f, {}, null)',
      () => readState('f', {}, null as never),
      /^readState: format must be an object such as/,
    ],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });

  it('keeps the valid edges: an empty range, the whole buffer, a null limit means no limit', () => {
    expect(crc32c(bytes, 2, 2)).toBe(0);
    expect(crc32c(bytes, 0, 4)).toBe(crc32c(bytes));
    expect(checkThreshold('f', 'x', Number.POSITIVE_INFINITY, null as never)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});
