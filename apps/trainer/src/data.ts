import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import { loadMnist, type MnistData } from '@trainkit/mnist';
import { stratifiedSplit } from '@trainkit/splits';
import type { TrainOptions } from './options';

/** Which images of the training file train and which validate (e.g. a cross-validation fold). */
export interface DataSplit {
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

/** The training file split into training and validation indices. */
export interface TrainingData {
  readonly data: MnistData;
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

const classes = 10;

function classCounts(labels: Int32Array, indices?: Int32Array): number[] {
  const counts = new Array<number>(classes).fill(0);
  if (indices === undefined) for (const label of labels) counts[label]!++;
  else for (const i of indices) counts[labels[i]!]!++;
  return counts;
}

/**
 * Loads the training file (the first `--limit` images) and splits it,
 * stratified by class, into training and validation indices. Every class in
 * the data must have at least one image on each side, else the validation
 * accuracy and the confusion matrix are meaningless: a typed error says which
 * `--validation-fraction` is needed.
 */
export async function loadTrainingData(
  options: Pick<TrainOptions, 'limit' | 'validationFraction' | 'seed'>,
  split?: DataSplit,
): Promise<TrainingData> {
  const data = await loadMnist({
    split: 'train',
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  if (split !== undefined) {
    // An explicit split (a cross-validation fold): indices into the loaded images.
    for (const [name, indices] of [
      ['train', split.train],
      ['validation', split.validation],
    ] as const) {
      const bad = indices.findIndex((i) => i < 0 || i >= data.count);
      if (indices.length === 0 || bad >= 0) {
        checkArguments('loadTrainingData').fail(
          `split.${name}`,
          indices.length === 0 ? 'no indices' : `index ${indices[bad]} at position ${bad}`,
          `a non-empty list of indices in 0..${data.count - 1}`,
        );
      }
    }
    return { data, train: split.train, validation: split.validation };
  }
  const all = classCounts(data.labels);
  const smallest = Math.min(...all.filter((count) => count > 0));
  const orLimit = options.limit === undefined ? '' : ', or a larger --limit';
  // About 10 validation images of the rarest class, or where that would hold out more than
  // half the data (a small --limit), one.
  const ten = Number((10 / smallest).toPrecision(2));
  const suggestion =
    ten <= 0.5
      ? `Use at least ${ten} (about 10 validation images of the rarest class)${orLimit}.`
      : `Use e.g. ${Math.min(0.9, Math.ceil(100 / smallest) / 100)} (one validation image of the rarest class, which has ${smallest} images)${orLimit}.`;
  const expectation = 'a fraction that leaves at least one image of every class on each side';
  // Checked before the split, which would refuse an empty part in its own words: the
  // held-out share, rounded half down as the split rounds two parts.
  const expected = Math.ceil(data.count * options.validationFraction - 0.5);
  if (expected === 0) {
    checkArguments('trainkit train').fail(
      '--validation-fraction',
      options.validationFraction,
      `${expectation} (with ${data.count} images${options.limit === undefined ? '' : ` (--limit ${options.limit})`} it leaves none for validation)`,
      suggestion,
    );
  }
  const [train, validation] = stratifiedSplit(data.count, {
    ratios: [1 - options.validationFraction, options.validationFraction],
    labels: data.labels,
    seed: options.seed,
  }) as [Int32Array, Int32Array];
  const held = classCounts(data.labels, validation);
  const kept = classCounts(data.labels, train);
  const missing = all.findIndex((count, c) => count > 0 && (held[c] === 0 || kept[c] === 0));
  if (missing >= 0) {
    const side = held[missing] === 0 ? 'validation' : 'training';
    checkArguments('trainkit train').fail(
      '--validation-fraction',
      options.validationFraction,
      `${expectation} (with ${data.count} images it leaves ${validation.length} for validation, none of class ${missing} in the ${side} set)`,
      side === 'validation' ? suggestion : 'Hold out less, e.g. 0.1.',
    );
  }
  return { data, train, validation };
}

/**
 * Gathers batches of images and labels from host memory into tensors. On
 * backends that copy a tensor's values when it is created (WebAssembly) the
 * host buffers are reused, so a training step allocates nothing on the host.
 */
export class BatchGatherer {
  private readonly images: Float32Array;
  private readonly labels: Int32Array;
  private readonly sampleShape: number[];
  private readonly rowLength: number;
  private readonly reuse: boolean;
  private imageBuffer: Float32Array;
  private labelBuffer: Int32Array;

  constructor(data: MnistData, sampleShape: readonly number[], maxBatch: number) {
    this.images = data.images;
    this.labels = data.labels;
    this.sampleShape = [...sampleShape];
    this.rowLength = sampleShape.reduce((a, b) => a * b, 1);
    this.reuse = tf.getBackend() === 'wasm';
    this.imageBuffer = new Float32Array(maxBatch * this.rowLength);
    this.labelBuffer = new Int32Array(maxBatch);
  }

  /** The labels of a set of indices (a new array). */
  labelsOf(indices: Int32Array): Int32Array {
    const out = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = this.labels[indices[i]!]!;
    return out;
  }

  /** `x` `[n, ...sampleShape]` float32 and `y` `[n]` int32 for the samples `indices`. */
  gather(indices: Int32Array): { x: tf.Tensor; y: tf.Tensor1D } {
    const n = indices.length;
    const row = this.rowLength;
    if (!this.reuse || n * row > this.imageBuffer.length) {
      this.imageBuffer = new Float32Array(n * row);
      this.labelBuffer = new Int32Array(n);
    }
    const images = this.imageBuffer;
    const labels = this.labelBuffer;
    for (let i = 0; i < n; i++) {
      const index = indices[i]!;
      images.set(this.images.subarray(index * row, index * row + row), i * row);
      labels[i] = this.labels[index]!;
    }
    return {
      x: tf.tensor(images.subarray(0, n * row), [n, ...this.sampleShape], 'float32'),
      y: tf.tensor1d(labels.subarray(0, n), 'int32'),
    };
  }
}
