import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkArguments } from '@trainkit/core';
import type { HParamDefinition, HParamsSessionStatus, HParamValue } from '@trainkit/tensorboard';
import { createSummaryWriter } from '@trainkit/tensorboard/node';
import type { SearchResult } from '../results';
import type { TrialState } from '../trial';

/** Options of {@link writeSearchHParams}. */
export interface SearchHParamsOptions {
  /**
   * Replace what an earlier call wrote there (`trial-*` directories and the
   * root's event files). Default false: a non-empty directory is refused,
   * because TensorBoard would show the old and new points together.
   */
  readonly replace?: boolean;
  /** The metric's name in TensorBoard. Default `value`. */
  readonly metricName?: string;
}

/**
 * Tags written per trial by {@link writeSearchHParams}.
 *
 * @example
 * ```ts
 * scalarSeries(run.events).get(searchTags.report); // a trial's reported curve
 * ```
 */
export const searchTags = Object.freeze({
  /** Intermediate values, at their steps. */
  report: 'search/report',
  /** The final value (finished) or the last reported one (pruned), once. */
  value: 'search/value',
});

const sessionStatus: Record<TrialState, HParamsSessionStatus> = {
  finished: 'success',
  pruned: 'success',
  failed: 'failure',
  running: 'running',
  created: 'unknown',
};

/**
 * Writes a search as TensorBoard HParams data: the experiment (every
 * parameter with its observed domain, plus `search/stage` and
 * `search/state`, and the metrics) in `logdir`, and one session run per
 * started trial, `logdir/trial-<n>`, with the trial's configuration at the
 * session start, its reports as the scalar `search/report`, its final value
 * as `search/value`, and the session end (finished and pruned: success,
 * failed: failure). `tensorboard --logdir <logdir>` then compares trials in
 * the HParams tab, filterable by stage and state.
 *
 * @param result - From {@link runSearch} or {@link searchResultFromJournal}.
 * @param logdir - The directory (created if missing).
 * @param options - `replace` an earlier export, the metric's display name.
 * @returns The session directories written.
 * @throws InvalidArgumentError when `logdir` already has content and `replace` is not set.
 *
 * @example
 * ```ts
 * await writeSearchHParams(result, 'runs/search-hparams');
 * // tensorboard --logdir runs/search-hparams
 * ```
 */
export async function writeSearchHParams(
  result: SearchResult,
  logdir: string,
  options: SearchHParamsOptions = {},
): Promise<string[]> {
  const check = checkArguments('writeSearchHParams');
  if (typeof logdir !== 'string' || logdir === '') check.fail('logdir', logdir, 'a directory path');
  const replace = check.boolean('replace', options.replace ?? false);
  const metricName = options.metricName ?? 'value';
  const existing = await readdir(logdir).catch(() => [] as string[]);
  if (existing.length > 0) {
    if (!replace) {
      check.fail(
        'logdir',
        logdir,
        'an empty or new directory',
        'TensorBoard would mix the old and new points: pick a new directory, or pass { replace: true } to replace an earlier export.',
      );
    }
    await Promise.all(
      existing
        .filter((name) => /^trial-\d+$/.test(name) || name.startsWith('events.out.tfevents.'))
        .map((name) => rm(join(logdir, name), { recursive: true, force: true })),
    );
  }

  const started = result.trials.filter((t) => t.state !== 'created');
  const domainOf = (name: string): HParamDefinition => {
    const values = [
      ...new Set(started.map((t) => t.config[name]).filter((v) => v !== undefined)),
    ] as HParamValue[];
    const numbers = values.filter((v): v is number => typeof v === 'number');
    if (numbers.length === values.length && numbers.length > 1) {
      return {
        name,
        type: 'number',
        domain: { min: Math.min(...numbers), max: Math.max(...numbers) },
      };
    }
    return values.length > 0 ? { name, domain: values } : { name };
  };
  const root = await createSummaryWriter(logdir);
  root.hparamsConfig({
    hparams: [
      ...result.parameterNames.map(domainOf),
      { name: 'search/stage', type: 'number', domain: [...new Set(started.map((t) => t.stage))] },
      { name: 'search/state', type: 'string', domain: [...new Set(started.map((t) => t.state))] },
    ],
    metrics: [
      { tag: searchTags.value, group: '', displayName: metricName },
      { tag: searchTags.report, group: '', displayName: `last reported ${metricName}` },
    ],
    description: `${result.trials.length} trials, ${result.direction === 'minimize' ? 'lower' : 'higher'} is better`,
  });
  await root.close();

  const written: string[] = [];
  for (const trial of started) {
    const directory = join(logdir, `trial-${trial.trial}`);
    const writer = await createSummaryWriter(directory);
    const startSecs = (trial.startedAt ?? trial.createdAt) / 1000;
    writer.hparams(
      {
        ...(trial.config as Record<string, HParamValue>),
        'search/stage': trial.stage,
        'search/state': trial.state,
      },
      { startTimeSecs: startSecs, wallTime: startSecs },
    );
    for (const report of trial.reports) {
      writer.scalar(searchTags.report, report.value, report.step, { wallTime: startSecs });
    }
    if (trial.value !== undefined) {
      writer.scalar(searchTags.value, trial.value, trial.reports.at(-1)?.step ?? 0, {
        wallTime: (trial.endedAt ?? trial.createdAt) / 1000,
      });
    }
    if (trial.endedAt !== undefined) {
      writer.hparamsEnd({
        status: sessionStatus[trial.state],
        endTimeSecs: trial.endedAt / 1000,
        wallTime: trial.endedAt / 1000,
      });
    }
    await writer.close();
    written.push(directory);
  }
  return written;
}
