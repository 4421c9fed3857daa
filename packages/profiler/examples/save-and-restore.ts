import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  createProfiler,
  profileFromJSON,
  profileToJSON,
  restoreProfiler,
} from '@trainkit/profiler';

// Profile some work: sorting arrays of random numbers ('prepare' and 'sort' phases).
const profiler = createProfiler({ phases: ['prepare', 'sort'] });
for (let i = 0; i < 20; i += 1) {
  profiler.phase('prepare');
  const values = Array.from({ length: 20_000 }, () => Math.random());
  profiler.phase('sort');
  values.sort((a, b) => a - b);
  profiler.endIteration(values.length);
}

const file = join(await mkdtemp(join(tmpdir(), 'profile-')), 'profile.json');
await writeFile(file, JSON.stringify(profileToJSON(profiler.state())));
const { report, state } = profileFromJSON(await readFile(file, 'utf8'));
console.log(`${report.iterations} iterations, bottleneck: ${report.bottleneck?.phase}`);
const resumed = restoreProfiler(state); // continues where the saved profiler stopped
console.log(isDeepStrictEqual(resumed.state(), profiler.state()));
