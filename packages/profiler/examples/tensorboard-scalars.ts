import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProfiler, writeIterationScalars, writeProfileScalars } from '@trainkit/profiler';
import { scalarSeries } from '@trainkit/tensorboard';
import { createSummaryWriter, readRun } from '@trainkit/tensorboard/node';

const logdir = join(await mkdtemp(join(tmpdir(), 'runs-')), 'exp1', 'train');
const writer = await createSummaryWriter(logdir);
const profiler = createProfiler({ phases: ['prepare', 'sort'] });
let nextIteration = 0;
let since = 0;
for (let epoch = 0; epoch < 3; epoch += 1) {
  for (let i = 0; i < 10; i += 1) {
    profiler.phase('prepare');
    const values = Array.from({ length: 10_000 }, () => Math.random());
    profiler.phase('sort');
    values.sort((a, b) => a - b);
    profiler.endIteration(values.length);
  }
  // at the end of each epoch:
  nextIteration = writeIterationScalars(writer, profiler.state(), { fromIteration: nextIteration });
  since = writeProfileScalars(writer, profiler.state(), { step: epoch, fromIteration: since });
}
await writer.close();
// tensorboard --logdir <the runs directory>
const series = scalarSeries((await readRun(logdir)).events);
console.log(`${series.get('profiler/iteration_ms')?.length} iteration times`);
console.log(`${series.get('profiler/share/sort')?.length} epoch summaries`);
