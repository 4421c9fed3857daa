// The README examples (examples/*.ts, shown verbatim) run as a user writes them; the output
// blocks are compared line for line, and the claims of the others are checked here.
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';

describeReadmeExamples(
  import.meta.url,
  {
    'examples/custom-loop.ts': (printed) => {
      const text = printed[0]!;
      expect(text).toMatch(/^Profile: 49 iterations \(1 to 49\)/);
      expect(text).toMatch(
        /\nphase +mean +median +p95 +share\ndata .*\ntrain step .*\nlogging .*\n/,
      );
      // 64 samples per iteration.
      const [, perIteration, perSample] = text.match(
        /Throughput: ([\d.]+) iterations\/s, ([\d.]+) samples\/s\./,
      )!;
      expect(Number(perSample) / Number(perIteration)).toBeCloseTo(64, 0);
      // The backend was given: the advice names what to try from the cpu backend.
      expect(text).toMatch(
        /^ {2}- The cpu backend is plain JavaScript: use WebAssembly with SIMD/m,
      );
      expect(text).toMatch(/Time to finish: .*\(range .* to .*, 150 iterations\)\.$/);
      const [, first, last] = printed[1]!.match(/^loss ([\d.]+) -> ([\d.]+)$/)!;
      expect(Number(last)).toBeLessThan(Number(first));
    },
    'examples/synchronize.ts': (printed) => {
      expect(printed.slice(0, 2).map((line) => line.replace(/[\d.]+$/, 'x'))).toEqual([
        'iteration 10: loss x',
        'iteration 20: loss x',
      ]);
      expect(Number(printed[1]!.split(' ').at(-1))).toBeLessThan(
        Number(printed[0]!.split(' ').at(-1)),
      );
      expect(printed[2]).toMatch(/ takes [\d.]+% of the iteration/);
    },
    'examples/fit-callback.ts': (printed) => {
      expect(printed.slice(0, 3).map((line) => line.replace(/: .*/, ''))).toEqual([
        'epoch 1',
        'epoch 2',
        'epoch 3',
      ]);
      const report = printed[3]!;
      // 1024 * 0.9 samples in batches of 64: 15 batches per epoch, 45 in all.
      expect(report).toMatch(/^profilerCallback: 3 epoch\(s\), 45 batches\./);
      expect(report).toMatch(/\nevaluation .*\n/);
      // The callback detected the cpu backend: no advice recommends it or WebAssembly threads.
      expect(report).not.toMatch(/SIMD and threads/);
      // 45 iterations + their phases + 2 metadata events.
      expect(Number(printed[4]!.split(' ')[0])).toBeGreaterThan(45 * 3);
    },
  },
  { timeout: 120_000 },
);
