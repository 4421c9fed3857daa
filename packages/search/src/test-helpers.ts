// Shared helpers for this package's tests (not exported).
import type { TrialReport, TrialState, TrialView } from './trial';

/** A trial view with the given state and reports (steps 0, 1, 2, ... unless pairs are given). */
export function trialView(
  trial: number,
  state: TrialState,
  reports: readonly number[] | readonly (readonly [number, number])[],
  value?: number,
): TrialView {
  const list: TrialReport[] = reports.map((entry, index) =>
    typeof entry === 'number' ? { step: index, value: entry } : { step: entry[0], value: entry[1] },
  );
  return {
    trial,
    config: { x: trial },
    stage: 1,
    parent: undefined,
    reason: 'test',
    budget: undefined,
    state,
    value: value ?? (state === 'finished' ? list.at(-1)?.value : undefined),
    reports: list,
    attempts: 1,
    owner: undefined,
    error: undefined,
    createdAt: 0,
    startedAt: 0,
    endedAt: undefined,
  };
}
