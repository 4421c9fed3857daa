import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { hashRows, type RowData, rowCountOf, rowsEqual } from './row-hash';

/** The splits to compare; `train` is required, plus at least one of the others. */
export interface DatasetSplits {
  readonly train: RowData;
  readonly validation?: RowData;
  readonly test?: RowData;
}

/** Options of {@link checkDuplicates}. */
export interface CheckDuplicatesOptions {
  /** Values per row (e.g. 784 for a flattened MNIST image). */
  readonly rowLength: number;
  /** How many example index pairs to report per pair of splits. Default 5. */
  readonly maxExamples?: number;
}

interface RowIndex {
  readonly data: RowData;
  readonly hashes: Uint32Array;
  readonly rows: Map<string, number[]>;
}

function indexRows(data: RowData, rowLength: number): RowIndex {
  const hashes = hashRows(data, rowLength);
  const rows = new Map<string, number[]>();
  for (let r = 0; r < hashes.length / 2; r++) {
    const key = `${hashes[2 * r]}:${hashes[2 * r + 1]}`;
    const list = rows.get(key);
    if (list === undefined) rows.set(key, [r]);
    else list.push(r);
  }
  return { data, hashes, rows };
}

interface Overlap {
  /** Rows of the probe split that have an exact copy in the reference split. */
  readonly count: number;
  /** Pairs [probe index, reference index], up to maxExamples. */
  readonly examples: [number, number][];
}

function overlap(
  probe: RowIndex,
  reference: RowIndex,
  rowLength: number,
  maxExamples: number,
): Overlap {
  let count = 0;
  const examples: [number, number][] = [];
  for (let r = 0; r < probe.hashes.length / 2; r++) {
    const candidates = reference.rows.get(`${probe.hashes[2 * r]}:${probe.hashes[2 * r + 1]}`);
    if (candidates === undefined) continue;
    const match = candidates.find((c) => rowsEqual(probe.data, r, reference.data, c, rowLength));
    if (match === undefined) continue;
    count++;
    if (examples.length < maxExamples) examples.push([r, match]);
  }
  return { count, examples };
}

function withinDuplicates(index: RowIndex, rowLength: number): number {
  let extra = 0;
  for (const list of index.rows.values()) {
    if (list.length < 2) continue;
    // Group the rows with this hash into classes of equal rows; count all but one per class.
    const representatives: number[] = [];
    for (const row of list) {
      if (representatives.some((rep) => rowsEqual(index.data, rep, index.data, row, rowLength))) {
        extra++;
      } else representatives.push(row);
    }
  }
  return extra;
}

const splitNames = { train: 'training', validation: 'validation', test: 'test' } as const;

/**
 * Exact duplicates between the training, validation and test splits: rows of
 * the validation or test split that also appear in the training split (or test
 * rows in the validation split), found by 64-bit content hashes of the rows
 * (see {@link hashRows}) and confirmed value by value. Any such row is a leak:
 * the model is scored on data it trained on, and the held-out numbers are too
 * optimistic. Duplicates inside one split are counted for information only.
 *
 * Near-duplicates (the same image shifted by a pixel or re-encoded) are not
 * found; deepchecks' `TrainTestSamplesMix` and cleanlab's `near_duplicate`
 * cover those.
 *
 * Status: `fail` when any validation/test row is in the training split or any
 * test row is in the validation split, `pass` otherwise.
 *
 * @param splits - The rows of each split, flattened row-major.
 * @param options - {@link CheckDuplicatesOptions}
 * @returns A `duplicates` check result; measurements `testInTrain`,
 *   `validationInTrain`, `testInValidation`, `duplicatesWithinTrain`, and the
 *   example indices `testInTrainExamples` (pairs flattened: test index, train index, ...).
 * @example
 * ```ts
 * const result = checkDuplicates({ train: trainImages, test: testImages }, { rowLength: 784 });
 * result.measurements.testInTrain; // 0 for MNIST
 * ```
 */
export function checkDuplicates(
  splits: DatasetSplits,
  options: CheckDuplicatesOptions,
): CheckResult {
  const check = checkArguments('checkDuplicates');
  if (typeof splits !== 'object' || splits === null) {
    check.fail('splits', splits, 'an object { train, validation?, test }');
  }
  const rowLength = check.integer('rowLength', options?.rowLength, { min: 1 });
  const maxExamples = check.integer('maxExamples', options.maxExamples ?? 5, { min: 0 });
  if (splits.validation === undefined && splits.test === undefined) {
    check.fail('splits', splits, 'an object with train and validation and/or test rows');
  }
  const trainRows = rowCountOf('checkDuplicates', 'splits.train', splits.train, rowLength);
  const measurements: Record<string, Measurement> = { trainRows };
  const train = indexRows(splits.train, rowLength);
  const validation =
    splits.validation === undefined ? undefined : indexRows(splits.validation, rowLength);
  const test = splits.test === undefined ? undefined : indexRows(splits.test, rowLength);
  const leaks: string[] = [];
  const record = (
    probeName: 'validation' | 'test',
    probe: RowIndex,
    referenceName: 'train' | 'validation',
    reference: RowIndex,
  ) => {
    const found = overlap(probe, reference, rowLength, maxExamples);
    const key = `${probeName}In${referenceName === 'train' ? 'Train' : 'Validation'}`;
    measurements[key] = found.count;
    measurements[`${key}Examples`] = found.examples.flat();
    if (found.count > 0) {
      const examples = found.examples
        .map(
          ([p, r]) => `${splitNames[probeName]} row ${p} = ${splitNames[referenceName]} row ${r}`,
        )
        .join(', ');
      leaks.push(
        `${found.count} of ${probe.hashes.length / 2} ${splitNames[probeName]} rows are also in the ${splitNames[referenceName]} split (${examples})`,
      );
    }
  };
  if (validation !== undefined) {
    measurements.validationRows = validation.hashes.length / 2;
    record('validation', validation, 'train', train);
  }
  if (test !== undefined) {
    measurements.testRows = test.hashes.length / 2;
    record('test', test, 'train', train);
    if (validation !== undefined) record('test', test, 'validation', validation);
  }
  measurements.duplicatesWithinTrain = withinDuplicates(train, rowLength);
  if (leaks.length > 0) {
    return {
      name: 'duplicates',
      status: 'fail',
      summary: `${leaks.join('; ')}.`,
      measurements,
      advice: [
        'Remove the duplicated rows from the training split (or deduplicate the whole dataset before splitting), so held-out scores measure generalization.',
        'If the duplicates come from augmentation or oversampling, split first and augment only the training split.',
      ],
    };
  }
  const within = measurements.duplicatesWithinTrain as number;
  return {
    name: 'duplicates',
    status: 'pass',
    summary: `no held-out row appears in the training split (${trainRows} training rows${within > 0 ? `, ${within} repeated within it` : ''})`,
    measurements,
    advice: [],
  };
}
