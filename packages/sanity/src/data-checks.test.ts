import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import { loadMnist } from '@trainkit/mnist';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import { checkInputScale } from './input-scale';
import { checkLabels } from './labels';
import { fingerprintRows } from './row-hash';
import {
  createTestSplitGuard,
  guardTestSplit,
  openTestSplit,
  TestSplitOpenedError,
  testSplitGuardFromJSON,
  testSplitGuardToJSON,
} from './test-split-guard';

let images: Float32Array;
let labels: Int32Array;
beforeAll(async () => {
  const data = await loadMnist({ split: 'train', limit: 3000 });
  images = data.images;
  labels = data.labels;
});

describe('checkLabels on MNIST', () => {
  it('passes the real labels', () => {
    const result = checkLabels(labels, { classes: 10 });
    expect(result.status).toBe('pass');
    expect((result.measurements.counts as number[]).reduce((a, b) => a + b)).toBe(3000);
    expect(result.measurements.imbalance).toBeLessThan(1.5);
  });

  it('fails labels shifted by one (1..10) and says so', () => {
    const shifted = labels.map((label) => label + 1);
    const result = checkLabels(shifted, { classes: 10 });
    expect(result.status).toBe('fail');
    expect(result.measurements.outOfRange).toBe(labels.filter((label) => label === 9).length);
    expect(result.measurements.missingClasses).toEqual([0]);
    expect(result.advice[0]).toBe(
      'The labels look shifted by one (1..10 instead of 0..9): subtract 1.',
    );
  });

  it('fails non-integer labels, warns on a missing class or imbalance', () => {
    expect(checkLabels([0, 1.5, 1], { classes: 2 }).status).toBe('fail');
    const missing = checkLabels([0, 0, 2, 2], { classes: 3 });
    expect(missing.status).toBe('warn');
    expect(missing.summary).toBe('class 1 never appears in 4 labels');
    const skewed = [...new Array(110).fill(0), ...new Array(10).fill(1)];
    expect(checkLabels(skewed, { classes: 2 }).status).toBe('warn');
    expect(checkLabels(skewed, { classes: 2, maxImbalance: 20 }).status).toBe('pass');
    expect(() => checkLabels([0], { classes: 1 })).toThrow(InvalidArgumentError);
  });
});

describe('checkInputScale', () => {
  it('passes MNIST in [0, 1] and fails raw 0..255 pixels', () => {
    expect(checkInputScale(images, { rowLength: 784 }).status).toBe('pass');
    const raw = images.map((v) => v * 255);
    const result = checkInputScale(raw, { rowLength: 784 });
    expect(result.status).toBe('fail');
    expect(result.measurements.max).toBe(255);
    expect(result.advice[0]).toMatch(/^These look like raw 0..255 pixels: divide by 255/);
    const bytes = Uint8Array.from(raw);
    expect(checkInputScale(bytes).measurements.floating).toBe(false);
    expect(checkInputScale(bytes).status).toBe('fail');
  });

  it('passes standardized data beyond ±1 and warns on unscaled small features', () => {
    const standardized = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 2.5);
    expect(checkInputScale(standardized).status).toBe('pass');
    const unscaled = Float64Array.from({ length: 1000 }, (_, i) => 5 + 4 * Math.sin(i));
    expect(checkInputScale(unscaled).status).toBe('warn');
    expect(checkInputScale([1, Number.NaN]).status).toBe('fail');
  });
});

describe('test-split guard', () => {
  it('opens once; the second open throws and leaves the state unchanged', () => {
    const closed = createTestSplitGuard({
      fingerprint: fingerprintRows(images.subarray(0, 784 * 10), 784),
    });
    const opened = openTestSplit(closed, {
      reason: 'final evaluation',
      now: new Date('2025-01-02T03:04:05Z'),
    });
    expect(closed.openedAt).toBeNull();
    expect(opened).toMatchObject({
      openedAt: '2025-01-02T03:04:05.000Z',
      reason: 'final evaluation',
    });
    let error: unknown;
    try {
      openTestSplit(opened, { reason: 'one more look' });
    } catch (caught) {
      error = caught;
    }
    expect(TestSplitOpenedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^openTestSplit: the test split was already opened at 2025-01-02T03:04:05.000Z \("final evaluation"\); it can be opened once/,
    );
    expect(opened.openedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(() => openTestSplit(closed, { reason: '' })).toThrow(
      /reason must be a non-empty string/,
    );
    expect(() => openTestSplit(closed, { reason: 'x', fingerprint: '0000000000000000' })).toThrow(
      /This is not the test split this guard protects/,
    );
  });

  it('persists as a versioned envelope and survives a restart', () => {
    let saved = '';
    const guard = guardTestSplit(() => images.subarray(0, 784), {
      onChange: (state) => {
        saved = JSON.stringify(testSplitGuardToJSON(state));
      },
    });
    expect(guard.open('final')).toHaveLength(784);
    expect(() => guard.open('again')).toThrow(TestSplitOpenedError);
    // A new process restores the state: still opened.
    const restored = guardTestSplit(() => images, {
      state: testSplitGuardFromJSON(JSON.parse(saved)),
    });
    expect(() => restored.open('after restart')).toThrow(TestSplitOpenedError);
    expect(JSON.parse(saved)).toMatchObject({
      format: 'trainkit.sanity.test-split-guard',
      version: 1,
      name: 'test',
    });
  });

  it('rejects inconsistent state', () => {
    const good = testSplitGuardToJSON(createTestSplitGuard());
    expect(() => testSplitGuardFromJSON({ ...good, openedAt: 'yesterday', reason: 'x' })).toThrow(
      /openedAt must be an ISO 8601 date or null/,
    );
    expect(() => testSplitGuardFromJSON({ ...good, openedAt: '2025-01-01T00:00:00Z' })).toThrow(
      StateRestoreError,
    );
  });

  describeStateFormat({
    format: 'trainkit.sanity.test-split-guard',
    version: 1,
    toJSON: testSplitGuardToJSON,
    fromJSON: testSplitGuardFromJSON,
    samples: () => [
      createTestSplitGuard(),
      openTestSplit(createTestSplitGuard({ name: 'test', fingerprint: '0123456789abcdef' }), {
        reason: 'final',
        now: new Date('2025-01-01T00:00:00Z'),
      }),
    ],
  });
});
