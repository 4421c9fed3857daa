import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { suggestTag, validateStep, validateTag } from './tags';

describe('validateTag', () => {
  it('accepts path-like tags, spaces and non-ASCII letters', () => {
    for (const tag of [
      'loss',
      'epoch_loss',
      'loss/train',
      'a.b-c/d_e',
      'val loss',
      'précision',
      '損失',
    ]) {
      expect(validateTag('f', tag)).toBe(tag);
    }
  });

  it('rejects empty, control characters, bad slashes, padding and lone surrogates', () => {
    const cases: [unknown, RegExp][] = [
      ['', /f: tag must be a non-empty string, got ""\. Use e\.g\. 'tag'\./],
      ['a\nb', /must be free of control characters .* Use e\.g\. 'a_b'\./],
      ['/loss', /a '\/'-separated path without empty parts .* Use e\.g\. 'loss'\./],
      ['loss/', /without empty parts/],
      ['a//b', /without empty parts .* Use e\.g\. 'a\/b'\./],
      [' loss', /free of leading and trailing whitespace/],
      ['a\ud800b', /valid Unicode \(it has an unpaired surrogate\)/],
      [42, /f: tag must be a string, got 42\./],
      ['_hparams_/experiment', /must be a tag that does not start with '_hparams_\/'/],
    ];
    for (const [tag, message] of cases) {
      expect(() => validateTag('f', tag)).toThrow(InvalidArgumentError);
      expect(() => validateTag('f', tag)).toThrow(message);
    }
  });
});

describe('suggestTag', () => {
  it('cleans like TensorFlow: other characters become _, slashes are tidied', () => {
    expect(suggestTag('/my loss (train)/')).toBe('my_loss__train_');
    expect(suggestTag('a//b')).toBe('a/b');
    expect(suggestTag('')).toBe('tag');
  });
});

describe('validateStep', () => {
  it('accepts integers from 0 to 2^53 - 1', () => {
    expect(validateStep('f', 0)).toBe(0);
    expect(validateStep('f', Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects negative, fractional and non-numeric steps with a typed error', () => {
    expect(() => validateStep('f', -1)).toThrow(
      'f: step must be an integer >= 0 (at most 2^53 - 1), got -1. Use the number of optimizer updates (or epochs) done so far.',
    );
    expect(() => validateStep('f', 1.5)).toThrow(/got 1\.5\. Round it, e\.g\. 2\./);
    expect(() => validateStep('f', Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => validateStep('f', '3')).toThrow(/got "3"/);
    expect(() => validateStep('f', 2 ** 53)).toThrow(InvalidArgumentError);
  });
});
