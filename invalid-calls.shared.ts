import { TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';

/** A trainkit error class, e.g. `InvalidArgumentError` (its cross-copy `isInstance` is used). */
export interface ErrorClass {
  // biome-ignore lint/suspicious/noExplicitAny: any error class constructor
  new (...args: any[]): Error;
  isInstance(error: unknown): boolean;
}

/**
 * One invalid call: `[name, call, error class, message]`. A string message is the start of
 * the message (or all of it with `{ exactMessages: true }`); a RegExp must match it.
 */
export type InvalidCall = readonly [
  name: string,
  call: () => unknown,
  errorClass: ErrorClass,
  message: string | RegExp,
];

/**
 * The standard test of a package's invalid calls (the convention of ARCHITECTURE.md: bad
 * input throws a typed trainkit error whose message names the function and the argument):
 * one test per case, asserting that the call throws a `TrainkitError` of the given class
 * (both by the cross-copy `isInstance` and by `instanceof`) whose message fits.
 *
 * In a package's `src/invalid-calls.test.ts`:
 * ```ts
 * import { describeInvalidCalls } from '../../../invalid-calls.shared';
 * describeInvalidCalls([
 *   ['createEma(NaN)', () => createEma(Number.NaN), InvalidArgumentError, 'createEma: alpha must be'],
 * ]);
 * ```
 */
export function describeInvalidCalls(
  cases: readonly InvalidCall[],
  options: { readonly exactMessages?: boolean } = {},
): void {
  describe('invalid calls: typed errors naming the function and the argument', () => {
    it.each(cases)('%s', (_name, call, errorClass, message) => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(TrainkitError.isInstance(caught), String(caught)).toBe(true);
      expect(errorClass.isInstance(caught), String(caught)).toBe(true);
      expect(caught).toBeInstanceOf(errorClass);
      const text = (caught as Error).message;
      if (typeof message !== 'string') expect(text).toMatch(message);
      else if (options.exactMessages === true) expect(text).toBe(message);
      else expect(text.startsWith(message), text).toBe(true);
    });
  });
}
