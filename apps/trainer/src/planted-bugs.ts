import { checkArguments } from '@trainkit/core';
import type { MnistData } from '@trainkit/mnist';

/**
 * Bugs `trainkit sanity --plant <bug>` (and `recipe --plant`) put into what the
 * checks see, to show the table catching them. Each is a classic from
 * @trainkit/sanity's bug catalogue. They affect the checks only: `train` never
 * plants anything.
 */
export const plantableBugs = [
  'softmax-before-loss',
  'unnormalized-inputs',
  'duplicated-test-rows',
  'shifted-labels',
  'stale-gradients',
] as const;

/** A bug `--plant` can put in. */
export type PlantedBug = (typeof plantableBugs)[number];

/** What each planted bug does and which check should flag it. */
export const plantedBugCatalogue: Readonly<
  Record<PlantedBug, { readonly does: string; readonly caughtBy: string }>
> = {
  'softmax-before-loss': {
    does: 'softmax is applied to the logits before the loss, which applies softmax itself (from logits)',
    caughtBy: 'output-loss-pairing',
  },
  'unnormalized-inputs': {
    does: 'the images are raw 0..255 pixels instead of 0..1',
    caughtBy: 'input-scale',
  },
  'duplicated-test-rows': {
    does: 'the first 5 test images are copied over 5 training images (test data leaked into training)',
    caughtBy: 'duplicates',
  },
  'shifted-labels': {
    does: 'every label is one too high (1..10 instead of 0..9)',
    caughtBy: 'labels',
  },
  'stale-gradients': {
    does: "the training step adds each batch's gradients to the previous ones (PyTorch's forgotten zero_grad)",
    caughtBy: 'gradient-freshness',
  },
};

/** Test rows copied into the training split by `duplicated-test-rows`. */
export const duplicatedTestRows = 5;

/**
 * Reads `--plant` values: comma-separated bug names, each once.
 *
 * @param command - For messages, e.g. `trainkit sanity`.
 * @param text - The flag's value, or undefined.
 * @returns The bugs, in the order given.
 */
export function parsePlantedBugs(command: string, text: string | undefined): PlantedBug[] {
  if (text === undefined) return [];
  const check = checkArguments(command);
  const bugs = text.split(',').map((part) => part.trim());
  const out: PlantedBug[] = [];
  for (const bug of bugs) {
    if (!(plantableBugs as readonly string[]).includes(bug)) {
      check.fail(
        '--plant',
        bug,
        `one of ${plantableBugs.join(', ')}`,
        'Separate several with commas, e.g. --plant shifted-labels,stale-gradients.',
      );
    }
    if (!out.includes(bug as PlantedBug)) out.push(bug as PlantedBug);
  }
  return out;
}

/**
 * The training and test files as the checks see them with the data bugs
 * planted: raw pixels (`unnormalized-inputs`: both files, as a pipeline that
 * forgot to scale would feed them), labels + 1 (`shifted-labels`), and the
 * first test images copied over the first training rows of the split
 * (`duplicated-test-rows`). The arrays are copies; the inputs are not changed.
 *
 * @param data - The training file.
 * @param train - The training split's indices (where test rows are planted).
 * @param test - The test file.
 * @param bugs - The planted bugs.
 * @returns The files to check (the same objects when no data bug is planted).
 */
export function plantDataBugs(
  data: MnistData,
  train: Int32Array,
  test: MnistData,
  bugs: readonly PlantedBug[],
): { data: MnistData; test: MnistData } {
  let images = data.images;
  let labels = data.labels;
  let testImages = test.images;
  const raw = (values: Float32Array) => values.map((value) => Math.round(value * 255));
  if (bugs.includes('unnormalized-inputs')) {
    images = raw(images);
    testImages = raw(testImages);
  }
  if (bugs.includes('duplicated-test-rows')) {
    images = images === data.images ? Float32Array.from(images) : images;
    const row = 784;
    for (let i = 0; i < Math.min(duplicatedTestRows, train.length, test.count); i++) {
      images.set(testImages.subarray(i * row, (i + 1) * row), train[i]! * row);
    }
  }
  if (bugs.includes('shifted-labels')) labels = labels.map((label) => label + 1);
  return {
    data: images === data.images && labels === data.labels ? data : { ...data, images, labels },
    test: testImages === test.images ? test : { ...test, images: testImages },
  };
}
