import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix';
import { confusionMatrixToText } from './confusion-matrix-text';

describe('confusionMatrixToText', () => {
  const state = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2]);

  it('prints counts with class names, rows = true class', () => {
    expect(confusionMatrixToText(state, { classNames: ['cat', 'dog', 'bird'] })).toBe(
      [
        'true\\pred  cat  dog  bird',
        '      cat    1    1     0',
        '      dog    0    1     0',
        '     bird    1    0     2',
        '',
      ].join('\n'),
    );
  });

  it('prints normalized rates with fixed digits and default names', () => {
    expect(confusionMatrixToText(state, { normalize: 'true', digits: 3 })).toBe(
      [
        'true\\pred      0      1      2',
        '        0  0.500  0.500  0.000',
        '        1  0.000  1.000  0.000',
        '        2  0.333  0.000  0.667',
        '',
      ].join('\n'),
    );
  });

  it('prints weighted counts with digits, integers as integers', () => {
    const weighted = confusionMatrix([0, 1], [0, 0], { sampleWeight: [2, 0.125] });
    expect(confusionMatrixToText(weighted)).toBe(
      ['true\\pred     0  1', '        0     2  0', '        1  0.12  0', ''].join('\n'),
    );
  });

  it('rejects names of the wrong length', () => {
    expect(() => confusionMatrixToText(state, { classNames: ['a'] })).toThrow(InvalidArgumentError);
    expect(() => confusionMatrixToText(state, { classNames: ['a'] })).toThrow(
      'confusionMatrixToText: classNames must be an array of 3 strings (one per class), got ["a"]. Give one name per class, indexed by class.',
    );
  });
});
