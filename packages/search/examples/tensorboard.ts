// Compare trials in TensorBoard's HParams tab: one session run per trial.
//   tensorboard --logdir <the printed directory>
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categorical, defineSpace, manualSearch, runSearch } from '@trainkit/search';
import { writeSearchHParams } from '@trainkit/search/node';

const result = await runSearch({
  strategy: manualSearch({
    space: defineSpace({ optimizer: categorical(['adam', 'sgd']), units: categorical([32, 64]) }),
    configs: [
      { optimizer: 'adam', units: 64 },
      { optimizer: 'sgd', units: 32 },
    ],
  }),
  direction: 'maximize',
  objective: async (trial) => {
    let accuracy = 0;
    for (let epoch = 1; epoch <= 5; epoch++) {
      accuracy = (trial.config.optimizer === 'adam' ? 0.95 : 0.9) * (1 - 0.5 ** epoch);
      await trial.report(accuracy, epoch); // the curve: search/report
    }
    return accuracy; // the metric: search/value
  },
});
const logdir = join(mkdtempSync(join(tmpdir(), 'search-')), 'hparams');
const sessions = await writeSearchHParams(result, logdir);
console.log(sessions.map((path) => path.slice(logdir.length + 1)));
