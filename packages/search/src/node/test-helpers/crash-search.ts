// A search run by the crash-safety test in a child process that is SIGKILLed at random
// moments and started again: a 12-point grid, each trial four 10 ms "epochs" with a report and
// a checkpoint after each, in a file journal.
//   node crash-search.mjs <journal> <workdir>
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { categorical, defineSpace, gridSearch, runSearch } from '../../index';
import { fileJournal } from '../index';
import { finalValue } from './crash-objective';

const [journalPath, workdir] = process.argv.slice(2) as [string, string];
const journal = await fileJournal(journalPath);
const result = await runSearch({
  strategy: gridSearch({
    space: defineSpace({ x: categorical([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) }),
  }),
  direction: 'minimize',
  journal,
  checkpointRoot: join(workdir, 'checkpoints'),
  // The test kills on purpose, possibly several times during one slow trial on a busy machine.
  maxAttempts: 1000,
  objective: async (trial) => {
    const x = trial.config.x as number;
    const directory = trial.checkpointDirectory!;
    mkdirSync(directory, { recursive: true });
    let step = 0;
    try {
      step = JSON.parse(readFileSync(join(directory, 'state.json'), 'utf8')).step;
    } catch {
      // no checkpoint yet
    }
    appendFileSync(
      join(workdir, 'executions.log'),
      `${trial.trial} ${trial.attempt} ${step} ${Date.now()}\n`,
    );
    for (step += 1; step <= 4; step++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await trial.report(finalValue(x) + 1 / step, step);
      writeFileSync(join(directory, 'state.tmp'), JSON.stringify({ step }));
      renameSync(join(directory, 'state.tmp'), join(directory, 'state.json'));
    }
    return finalValue(x);
  },
});
await journal.close();
console.log(JSON.stringify(result.counts));
