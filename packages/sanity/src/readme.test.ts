// The README examples, as written (the package name resolves to the sources via the vitest alias).
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';

describeReadmeExamples(
  import.meta.url,
  {
    'examples/data-checks.ts': (printed) => {
      expect(printed[0]!.split('\n')[0]).toBe('sanity: 3 fail, 0 warn, 0 pass');
      expect(printed.at(-1)).toBe('true');
    },
    'examples/range-test-rules.ts': (printed) => expect(printed.at(-1)).toBe('true true'),
    'examples/model-fit.ts': (printed) => {
      expect(printed.slice(0, 10).every((line) => /^(pass |skipped )/.test(line))).toBe(true);
      expect(printed.at(-1)).toBe('sanity: 0 fail, 0 warn, 10 pass');
    },
    'examples/custom-loop.ts': (printed) => {
      expect(printed[0]).toBe('fail gradient-freshness');
      expect(printed.at(-1)).toBe('pass 0');
    },
  },
  { timeout: 240_000 },
);
