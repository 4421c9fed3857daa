// The help of the commands that take the training options: train's option list is appended,
// but each command states its own exit codes, once (not train's after them).
import { describe, expect, it } from 'vitest';
import { trainUsage } from '../options';
import { lrFindUsage } from './lr-find';
import { recipeUsage } from './recipe';
import { sanityUsage } from './sanity';
import { searchUsage } from './search';

const trainExitCodes = trainUsage.slice(trainUsage.indexOf('Exit codes:')).trim();

describe('command help', () => {
  it.each([
    ['sanity', sanityUsage, '4 a check failed'],
    ['lr-find', lrFindUsage, '4 neither test found one'],
    ['search', searchUsage, '3 no trial finished'],
    ['recipe', recipeUsage, '4 a step failed'],
  ])('%s: the training options, and its own exit codes only', (_, usage, own) => {
    expect(usage).toContain('Model and data\n  --model mlp|cnn');
    expect(usage).toContain('--config FILE');
    expect(usage.match(/^Exit codes:/gm)).toHaveLength(1);
    expect(usage).toContain(own);
    expect(usage).not.toContain(trainExitCodes);
  });
});
