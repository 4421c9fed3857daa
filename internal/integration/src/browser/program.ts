/**
 * A small program over several packages' main entries, run both in Node and, bundled by
 * esbuild for the browser, in headless Chromium: the two results must be equal.
 */

import { accuracy, classificationReport, confusionMatrix } from '@trainkit/metrics';
import { cosineDecay, oneCycle, sample } from '@trainkit/schedules';
import { kFold } from '@trainkit/splits';
import { createRandom, median } from '@trainkit/stats';
import {
  createSummaryWriter,
  memoryFileSystem,
  parseEventFile,
  scalarSeries,
} from '@trainkit/tensorboard';

export interface ProgramResult {
  readonly schedule: number[];
  readonly oneCycle: number[];
  readonly accuracy: number;
  readonly report: string;
  readonly random: number[];
  readonly median: number;
  readonly folds: number[][];
  readonly eventFile: { bytes: number; checksum: number; files: string[] };
  readonly scalars: [string, [number, number][]][];
  readonly histogramTags: string[];
}

/** Computes values with schedules, metrics, splits, stats and tensorboard. */
export async function runProgram(): Promise<ProgramResult> {
  const schedule = sample(cosineDecay({ initialValue: 0.1, decaySteps: 10, alpha: 0.01 }), 12);
  const cycle = sample(oneCycle({ maxValue: 0.01, totalSteps: 20 }), 20);

  const actual = [0, 1, 2, 2, 2, 1, 0, 1, 2, 0];
  const predicted = [0, 0, 2, 2, 1, 1, 0, 2, 2, 0];
  const matrix = confusionMatrix(actual, predicted);

  const random = createRandom({ seed: 42 });
  const draws = Array.from({ length: 5 }, () => random.nextFloat());

  const folds = Array.from(kFold(10, { k: 3, shuffle: true, seed: 7 }), (fold) =>
    Array.from(fold.validation),
  );

  const fileSystem = memoryFileSystem();
  let time = 1700000000;
  const writer = await createSummaryWriter('runs/browser/train', {
    fileSystem,
    clock: () => time++,
    hostname: 'host',
    pid: 1,
    flushIntervalMs: 0,
  });
  for (let step = 0; step < 5; step++) writer.scalar('loss', 1 / (step + 1), step);
  writer.histogram('weights', draws, 4);
  await writer.close();
  const [[path, bytes]] = [...fileSystem.files] as [[string, Uint8Array]];
  const { events, warnings } = parseEventFile(bytes);
  if (warnings.length > 0) throw new Error(`event file warnings: ${JSON.stringify(warnings)}`);

  return {
    schedule: Array.from(schedule),
    oneCycle: Array.from(cycle),
    accuracy: accuracy(matrix),
    report: classificationReport(matrix, { classNames: ['cat', 'dog', 'bird'] }),
    random: draws,
    median: median(draws),
    folds,
    eventFile: {
      bytes: bytes.length,
      checksum: bytes.reduce((sum, byte, i) => (sum * 31 + byte + i) % 2147483647, 0),
      files: [path],
    },
    scalars: [...scalarSeries(events)].map(([tag, points]) => [
      tag,
      points.map((point): [number, number] => [point.step, point.value]),
    ]),
    histogramTags: events.flatMap((event) =>
      event.summaries.filter((s) => s.kind === 'histogram').map((s) => s.tag),
    ),
  };
}
