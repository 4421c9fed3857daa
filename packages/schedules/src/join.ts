import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import { checkBoundaries, countReached, makeSchedule, type Schedule } from './schedule';

/**
 * Runs schedules one after the other.
 *
 * `η(t) = S_0(t)` for `t < b_0`; `S_i(t − b_{i−1})` for `b_{i−1} <= t < b_i`;
 * each later schedule sees the steps since its own boundary (optax
 * `join_schedules`), so it starts from its own step 0. The switch happens AT
 * the boundary step. The join is continuous at `b_i` exactly when
 * `S_{i+1}(0)` equals the value `S_i` would have at `b_i − b_{i−1}` (e.g. a
 * linear ramp to `p` followed by a cosine decay from `p`).
 *
 * @param schedules - Two or more schedules.
 * @param boundaries - Absolute steps at which the next schedule takes over:
 *   `schedules.length − 1` integers `>= 1`, strictly increasing.
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = join(
 *   [
 *     linear({ initialValue: 0, endValue: 0.1, transitionSteps: 100 }),
 *     cosineDecay({ initialValue: 0.1, decaySteps: 900 }),
 *   ],
 *   [100],
 * );
 * schedule(100); // 0.1: the cosine's step 0
 * ```
 */
export function join(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  const name = 'join';
  const check = checkArguments(name);
  const list = check.nonEmptyArray<Schedule>('schedules', schedules);
  if (list.length < 2) {
    check.fail('schedules', schedules, 'an array of at least 2 schedules', 'Join two or more.');
  }
  const children = Array.from(list, (schedule, index) =>
    check.callable<Schedule>(`schedules[${index}]`, schedule),
  );
  const steps = checkBoundaries(name, 'boundaries', boundaries, false);
  if (steps.length !== children.length - 1) {
    throw new ShapeMismatchError({
      functionName: name,
      argument: 'boundaries',
      expected: `length ${children.length - 1} (schedules.length - 1)`,
      actual: `length ${steps.length}`,
      fix: 'Give one boundary between each pair of consecutive schedules.',
    });
  }
  return makeSchedule(name, (step) => {
    const index = countReached(steps, step);
    const child = children[index] as Schedule;
    return index === 0 ? child(step) : child(step - (steps[index - 1] as number));
  });
}
