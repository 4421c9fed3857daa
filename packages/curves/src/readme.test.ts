// The README examples (examples/*.ts, shown verbatim) run as a user writes them; the output
// blocks are compared line for line, and the claims of the model.fit example are checked here.
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';

describeReadmeExamples(
  import.meta.url,
  {
    'examples/model-fit.ts': (printed) => {
      const state = JSON.parse(printed.find((line) => line.startsWith('{"epoch"'))!);
      // Stopped early (patience 5), and restoreBestWeights put the best epoch's weights back.
      expect(state.stoppedEpoch).toBe(state.bestEpoch + 5);
      expect(state.stopReason).toBe('patience');
      const [, evaluated, best] = printed
        .find((line) => line.startsWith('validation loss'))!
        .match(/^validation loss (\S+), best (\S+)$/)!;
      expect(evaluated).toBe(best);
      expect(printed[0]).toMatch(/^Learning-curve diagnosis of toy:\n/);
      expect(Number(printed.at(-1)!.split(' ')[0])).toBeGreaterThan(1000);
    },
  },
  { timeout: 120_000 },
);
