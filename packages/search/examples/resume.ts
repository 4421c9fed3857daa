// A crash-safe search: the journal file records every event, so running the same search again
// after a crash (here: a stop after 3 trials) resumes it without repeating finished trials.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defineSpace,
  logUniform,
  type Objective,
  randomSearch,
  runSearch,
  uniform,
} from '@trainkit/search';
import { fileJournal } from '@trainkit/search/node';

const journalPath = join(mkdtempSync(join(tmpdir(), 'search-')), 'journal.jsonl');
const strategy = randomSearch({
  space: defineSpace({ learningRate: logUniform(1e-4, 1e-1), dropout: uniform(0, 0.5) }),
  trials: 8,
  seed: 42,
});
let calls = 0;
const stop = new AbortController();
const objective: Objective = (trial) => {
  calls++;
  if (calls === 3) stop.abort(); // as if the process died here
  return (
    Math.abs(Math.log10(trial.config.learningRate as number) + 2) + (trial.config.dropout as number)
  );
};

const first = await fileJournal(journalPath);
await runSearch({
  strategy,
  direction: 'minimize',
  objective,
  journal: first,
  signal: stop.signal,
});
await first.close();

const again = await fileJournal(journalPath); // the same command, run again
const result = await runSearch({ strategy, direction: 'minimize', objective, journal: again });
await again.close();
console.log(`objective calls: ${calls}, finished: ${result.counts.finished}`);
