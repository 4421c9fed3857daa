// Distributed search on BullMQ: a worker (usually on another machine, started with
// `trainkit-search worker`) and the coordinator, in one program for the example.
import { fileURLToPath } from 'node:url';
import { categorical, defineSpace, gridSearch, logUniform, runSearch } from '@trainkit/search';
import { bullmqExecutor, startBullmqWorker } from '@trainkit/search/node';

const redis = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const module = fileURLToPath(new URL('./objective.mjs', import.meta.url));
const worker = await startBullmqWorker({ redis, queue: 'example', module });
// The jobs carry the objective's fingerprint: a worker of another objective on the
// same queue leaves them to this search's workers.
const executor = await bullmqExecutor({ redis, queue: 'example', objective: { module } });
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
  await worker.close();
}
