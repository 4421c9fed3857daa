// Trials in parallel on this machine's cores: each in a worker thread with its own
// TensorFlow.js, the objective loaded from its module.
import { fileURLToPath } from 'node:url';
import { categorical, defineSpace, gridSearch, logUniform, runSearch } from '@trainkit/search';
import { workerPoolExecutor } from '@trainkit/search/node';

const executor = workerPoolExecutor({
  module: fileURLToPath(new URL('./objective.mjs', import.meta.url)),
  exportName: 'objective',
  size: 2, // default: every core
});
try {
  const result = await runSearch({
    strategy: gridSearch({
      space: defineSpace({ learningRate: logUniform(1e-3, 1e-1), units: categorical([32, 64]) }),
      pointsPerParameter: 3,
    }),
    direction: 'minimize',
    executor,
  });
  console.log(`${result.counts.finished} trials, best:`, result.best!.config);
} finally {
  await executor.close();
}
