import { describe, expect, it } from 'vitest';
import { memoryJournal } from './journal-store';
import { manualSearch } from './manual-search';
import {
  formatResultsCsv,
  formatResultsTable,
  resultRows,
  resultsToJson,
  searchResultFromJournal,
} from './results';
import { runSearch } from './run-search';
import { categorical, defineSpace, logUniform } from './space';

const space = defineSpace({
  lr: logUniform(1e-4, 1),
  optimizer: categorical(['adam', 'sgd, nesterov']),
});

async function sample() {
  const journal = memoryJournal();
  const result = await runSearch({
    strategy: manualSearch({
      space,
      configs: [
        { lr: 0.1, optimizer: 'adam' },
        { lr: 0.01, optimizer: 'sgd, nesterov' },
        { lr: 0.001, optimizer: 'adam' },
        { lr: 1, optimizer: 'adam' },
      ],
    }),
    direction: 'minimize',
    journal,
    objective: async (trial) => {
      const lr = trial.config.lr as number;
      if (lr === 1) throw new Error('loss "exploded"');
      await trial.report(lr * 2, 1);
      return lr === 0.1 ? 0.25 : lr === 0.01 ? 0.125 : 0.5;
    },
  });
  return { result, journal };
}

describe('results', () => {
  it('ranks finished trials best first, failed last', async () => {
    const { result } = await sample();
    expect(resultRows(result).map((r) => [r.rank, r.trial, r.state, r.value, r.step])).toEqual([
      [1, 1, 'finished', 0.125, 1],
      [2, 0, 'finished', 0.25, 1],
      [3, 2, 'finished', 0.5, 1],
      [4, 3, 'failed', undefined, undefined],
    ]);
    expect(result.best?.config).toEqual({ lr: 0.01, optimizer: 'sgd, nesterov' });
  });

  it('prints an aligned text table with the best configuration', async () => {
    const { result } = await sample();
    const text = formatResultsTable(result, { notes: false });
    expect(text.split('\n')).toEqual([
      '4 trials (lower is better): 3 finished, 0 pruned, 1 failed',
      'best: trial 1, value 0.125, lr=0.01 optimizer=sgd, nesterov',
      '',
      'rank  trial  stage  parent  state     value  step  lr     optimizer',
      '1     1      1      -       finished  0.125  1     0.01   sgd, nesterov',
      '2     0      1      -       finished  0.25   1     0.1    adam',
      '3     2      1      -       finished  0.5    1     0.001  adam',
      '4     3      1      -       failed    -      -     1      adam',
    ]);
    expect(formatResultsTable(result, { limit: 1 }).split('\n').at(-1)).toBe(
      '1     1      1      -       finished  0.125  1     0.01  sgd, nesterov  manual configuration 2 of 4',
    );
  });

  it('writes RFC 4180 CSV with quoted cells', async () => {
    const { result } = await sample();
    const lines = formatResultsCsv(result).split('\r\n');
    expect(lines[0]).toBe(
      'rank,trial,stage,parent,state,value,step,attempts,seconds,lr,optimizer,note',
    );
    expect(lines[1]).toMatch(
      /^1,1,1,,finished,0\.125,1,1,[0-9.]+,0\.01,"sgd, nesterov",manual configuration 2 of 4$/,
    );
    expect(lines[4]).toMatch(
      /^4,3,1,,failed,,,1,[0-9.]+,1,adam,"manual configuration 4 of 4; Error: loss ""exploded"""$/,
    );
    expect(lines.at(-1)).toBe('');
  });

  it('gives JSON with reports, and reads the same result back from journal text', async () => {
    const { result, journal } = await sample();
    const json = resultsToJson(result);
    expect([json.format, json.version]).toEqual(['trainkit.search.results', 1]);
    expect(json.best).toEqual({
      trial: 1,
      value: 0.125,
      config: { lr: 0.01, optimizer: 'sgd, nesterov' },
    });
    expect(json.rows[0]).toMatchObject({
      trial: 1,
      reports: [{ step: 1, value: 0.02 }],
      error: null,
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const again = searchResultFromJournal(journal.lines.join(''));
    expect(resultRows(again)).toEqual(resultRows(result));
    expect(() => searchResultFromJournal('')).toThrow(
      'searchResultFromJournal: text must be a journal with a header record',
    );
  });
});
