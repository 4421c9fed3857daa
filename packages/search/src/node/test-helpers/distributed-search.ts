// The search module of the distributed tests, bundled and loaded by the CLI's coordinator and
// workers exactly as a user's module would be. Environment knobs (read by each worker):
// TRAINKIT_TEST_TRIALS (default 6), TRAINKIT_TEST_STEP_MS (default 100) per report,
// TRAINKIT_TEST_WORKER (a tag added to the value: A -> +1000), TRAINKIT_TEST_BLOCK_MS (trial 0
// blocks its thread this long first, so a worker without isolation cannot renew its job lock),
// TRAINKIT_TEST_BLOCK_UNTIL_FILE (the block ends early once this file exists).

import { existsSync } from 'node:fs';
import type { TrialContext } from '../../index';
import { categorical, defineSpace, manualSearch } from '../../index';

const count = Number(process.env.TRAINKIT_TEST_TRIALS ?? 6);
const xs = Array.from({ length: count }, (_, i) => i);

export const search = {
  strategy: manualSearch({
    space: defineSpace({ x: categorical(xs) }),
    configs: xs.map((x) => ({ x })),
  }),
  direction: 'minimize' as const,
};

export async function objective(trial: TrialContext): Promise<number> {
  const x = trial.config.x as number;
  const block = Number(process.env.TRAINKIT_TEST_BLOCK_MS ?? 0);
  const until = process.env.TRAINKIT_TEST_BLOCK_UNTIL_FILE;
  if (block > 0 && trial.trial === 0) {
    const end = Date.now() + block;
    while (Date.now() < end && (until === undefined || !existsSync(until))) {
      // busy: the event loop (and BullMQ's lock renewal) cannot run
    }
  }
  const stepMs = Number(process.env.TRAINKIT_TEST_STEP_MS ?? 100);
  for (let step = 1; step <= 4; step++) {
    await new Promise((resolve) => setTimeout(resolve, stepMs));
    await trial.report(x + 1 / step, step);
  }
  return x + (process.env.TRAINKIT_TEST_WORKER === 'A' ? 1000 : 0);
}
