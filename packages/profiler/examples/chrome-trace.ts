import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProfiler, toChromeTrace } from '@trainkit/profiler';

const profiler = createProfiler({ phases: ['prepare', 'sort'] });
for (let i = 0; i < 5; i += 1) {
  profiler.phase('prepare');
  const values = Array.from({ length: 50_000 }, () => Math.random());
  profiler.phase('sort');
  values.sort((a, b) => a - b);
  profiler.endIteration(values.length);
}

const trace = toChromeTrace(profiler.state(), { threadName: 'train' });
const file = join(await mkdtemp(join(tmpdir(), 'trace-')), 'profile.trace.json');
await writeFile(file, JSON.stringify(trace));
// One slice per iteration and one per phase occurrence, plus 2 metadata events.
console.log(`${trace.traceEvents.length} trace events in ${file.slice(-18)}`);
