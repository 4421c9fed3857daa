import { loadMnist } from '@trainkit/mnist';
import { describe, expect, it } from 'vitest';
import { checkDuplicates } from './duplicates';

describe('checkDuplicates', () => {
  it('finds planted copies with their indices', () => {
    const train = Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3, 1, 1);
    const validation = Float32Array.of(9, 9, 2, 2);
    const test = Float32Array.of(5, 5, 3, 3, 9, 9);
    const result = checkDuplicates({ train, validation, test }, { rowLength: 2 });
    expect(result.status).toBe('fail');
    expect(result.measurements).toMatchObject({
      trainRows: 5,
      validationRows: 2,
      testRows: 3,
      validationInTrain: 1,
      validationInTrainExamples: [1, 2],
      testInTrain: 1,
      testInTrainExamples: [1, 3],
      testInValidation: 1,
      testInValidationExamples: [2, 0],
      duplicatesWithinTrain: 1,
    });
    expect(result.summary).toContain(
      '1 of 3 test rows are also in the training split (test row 1 = training row 3)',
    );
  });

  it('a duplicated MNIST test row in the training slice fails; the clean slices pass', async () => {
    const train = await loadMnist({ split: 'train', limit: 2000 });
    const test = await loadMnist({ split: 'test', limit: 500 });
    const clean = checkDuplicates({ train: train.images, test: test.images }, { rowLength: 784 });
    expect(clean.status).toBe('pass');
    expect(clean.measurements.testInTrain).toBe(0);
    expect(clean.advice).toEqual([]);
    // The bug: test image 123 copied over training image 1500.
    const leaky = train.images.slice();
    leaky.set(test.images.subarray(123 * 784, 124 * 784), 1500 * 784);
    const result = checkDuplicates({ train: leaky, test: test.images }, { rowLength: 784 });
    expect(result.status).toBe('fail');
    expect(result.measurements.testInTrain).toBe(1);
    expect(result.measurements.testInTrainExamples).toEqual([123, 1500]);
  });

  it('validates its arguments', () => {
    const rows = new Float32Array(4);
    expect(() => checkDuplicates({ train: rows }, { rowLength: 2 })).toThrow(
      /checkDuplicates: splits must be an object with train and validation and\/or test rows/,
    );
    expect(() => checkDuplicates({ train: rows, test: rows }, { rowLength: 3 })).toThrow(
      /splits.train.length must have shape a multiple of rowLength 3, got 4/,
    );
  });
});
