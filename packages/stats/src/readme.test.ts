import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';

describeReadmeExamples(import.meta.url, {
  'examples/random.ts': (printed) => expect(printed[0]).toBe('a15c02b7'),
});
