import { TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';

/** A typed error class, e.g. `InvalidArgumentError`. */
// biome-ignore lint/suspicious/noExplicitAny: any error class constructor
export type ErrorClass = abstract new (...args: any[]) => Error;

/** One invalid call: `[name, call, error class, start of the message]`. */
export type InvalidCall = readonly [
  name: string,
  call: () => unknown,
  errorClass: ErrorClass,
  message: string,
];

/**
 * The standard test of a package's invalid calls (the convention of ARCHITECTURE.md: bad
 * input throws a typed trainkit error whose message names the function and the argument):
 * one test per case, asserting that the call throws a `TrainkitError` (by its cross-copy
 * `isInstance`), an instance of the given class, and a message that starts with the given text.
 *
 * In a package's `src/invalid-calls.test.ts`:
 * ```ts
 * import { describeInvalidCalls } from '../../../invalid-calls.shared';
 * describeInvalidCalls([
 *   ['createEma(NaN)', () => createEma(Number.NaN), InvalidArgumentError, 'createEma: alpha must be'],
 * ]);
 * ```
 */
export function describeInvalidCalls(cases: readonly InvalidCall[]): void {
  describe('invalid calls: typed errors naming the function and the argument', () => {
    it.each(cases)('%s', (_name, call, errorClass, message) => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(TrainkitError.isInstance(caught), String(caught)).toBe(true);
      expect(caught).toBeInstanceOf(errorClass);
      expect((caught as Error).message.startsWith(message), (caught as Error).message).toBe(true);
    });
  });
}
