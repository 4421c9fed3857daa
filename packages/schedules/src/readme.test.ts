// The README examples (examples/*.ts, shown verbatim) run as a user writes them; the output
// blocks are compared line for line, and the values are checked against the schedules here.
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';
import { cosineDecay, join, linear, oneCycle, oneCycleMomentum } from './index';

describeReadmeExamples(import.meta.url, {
  'examples/warmup-cosine.ts': (printed) => {
    const schedule = join(
      [
        linear({ initialValue: 0, endValue: 0.1, transitionSteps: 500 }),
        cosineDecay({ initialValue: 0.1, decaySteps: 9500, alpha: 0.01 }),
      ],
      [500],
    );
    expect(printed.slice(0, 3).map(Number)).toEqual([0, 0.05, 0.1]);
    expect(Math.abs(schedule(20_000) - 0.001)).toBeLessThan(1e-15);
  },
  'examples/model-fit.ts': ([rates, momenta, plateau]) => {
    // The callback writes the rate of the epoch's last update: steps 7, 15, 23, 31.
    const cycle = { maxValue: 0.05, totalSteps: 32 };
    const lastOfEpoch = [7, 15, 23, 31];
    expect(JSON.parse(rates!)).toEqual(lastOfEpoch.map(oneCycle(cycle)));
    expect(JSON.parse(momenta!.replace(/ /g, ''))).toEqual(
      lastOfEpoch.map(oneCycleMomentum(cycle)),
    );
    // 5 epochs before the checkpoint, 1 after resuming from it.
    expect(plateau).toBe('plateau state after 6 epochs');
  },
});
