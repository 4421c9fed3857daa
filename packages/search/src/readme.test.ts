import { afterAll, beforeAll, expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';
import { startRedis } from './node/test-helpers/processes';

// examples/distributed.ts needs a Redis: a private redis-server on a free port.
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
beforeAll(async () => {
  redis = await startRedis();
  process.env.REDIS_URL = redis.url;
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

describeReadmeExamples(
  import.meta.url,
  {
    'examples/grid.ts': (printed) =>
      expect(printed.join('\n')).toContain(
        'best: trial 4, value 0.1, learningRate=0.01 batchSize=32',
      ),
    'examples/coarse-to-fine.ts': (printed) =>
      expect(printed[0]).toMatch(/^trials per stage: 12, \d+; \d+ pruned$/),
    'examples/resume.ts': (printed) => expect(printed).toEqual(['objective calls: 8, finished: 8']),
    'examples/worker-pool.ts': (printed) =>
      expect(printed[0]).toBe('6 trials, best: { learningRate: 0.01, units: 64 }'),
    'examples/distributed.ts': (printed) =>
      expect(printed[0]).toBe('6 trials, best: { learningRate: 0.01, units: 64 }'),
    'examples/tensorboard.ts': (printed) => expect(printed[0]).toBe("[ 'trial-0', 'trial-1' ]"),
  },
  { timeout: 60_000 },
);
