import { checkArguments } from '@trainkit/core';

/** Prefix of the tags the hparams plugin reads; reserved for the hparams methods. */
export const hparamsTagPrefix = '_hparams_/';

// C0 and C1 control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;
const unpairedSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A tag in the style of TensorFlow's `clean_tag`: characters outside
 * `[-/\w.]` replaced by `_`, no leading, trailing or repeated slashes.
 *
 * @param tag - Any string.
 * @returns A tag every TensorBoard version accepts (`'tag'` when nothing is left).
 *
 * @example
 * ```ts
 * suggestTag('/my loss (train)'); // 'my_loss__train_'
 * ```
 */
export function suggestTag(tag: string): string {
  if (typeof tag !== 'string') checkArguments('suggestTag').fail('tag', tag, 'a string');
  const cleaned = tag
    .replace(/[^-/\p{L}\p{N}_.]/gu, '_')
    .replace(/\/+/g, '/')
    .replace(/^\/+|\/+$/g, '');
  return cleaned.length > 0 ? cleaned : 'tag';
}

function why(tag: string): string | undefined {
  if (tag.length === 0) return 'a non-empty string';
  if (controlCharacters.test(tag)) return 'free of control characters (newline, tab, NUL, ...)';
  if (unpairedSurrogate.test(tag)) return 'valid Unicode (it has an unpaired surrogate)';
  if (tag.trim() !== tag) return 'free of leading and trailing whitespace';
  if (tag.startsWith('/') || tag.endsWith('/') || tag.includes('//')) {
    return "a '/'-separated path without empty parts (no leading, trailing or double '/')";
  }
  return undefined;
}

/**
 * Validates a summary tag and returns it.
 *
 * TensorBoard groups tags by their '/'-separated prefix, so a tag must be a
 * non-empty string of valid Unicode without control characters, without
 * leading/trailing whitespace, and without empty '/' parts. Spaces and
 * non-ASCII letters are allowed (TensorBoard displays them). The
 * `_hparams_/` prefix is reserved for the hparams plugin.
 *
 * @param functionName - The public function, for the error message.
 * @param tag - The tag to check.
 * @param argument - The argument name (default `tag`).
 * @returns `tag`.
 * @throws InvalidArgumentError naming the problem and suggesting a clean tag.
 *
 * @internal
 */
export function validateTag(functionName: string, tag: unknown, argument = 'tag'): string {
  const check = checkArguments(functionName);
  if (typeof tag !== 'string') return check.fail(argument, tag, 'a string');
  const problem = why(tag);
  if (problem !== undefined) {
    return check.fail(argument, tag, problem, `Use e.g. '${suggestTag(tag)}'.`);
  }
  if (tag.startsWith(hparamsTagPrefix)) {
    return check.fail(
      argument,
      tag,
      `a tag that does not start with '${hparamsTagPrefix}'`,
      'That prefix is reserved for the hparams plugin: use writer.hparams() and its siblings.',
    );
  }
  return tag;
}

/**
 * Validates a step: TensorBoard's x axis, an int64 in the file. trainkit counts
 * optimizer updates (or epochs) from 0, so steps are safe integers >= 0.
 *
 * @internal
 */
export function validateStep(functionName: string, step: unknown): number {
  if (typeof step === 'number' && Number.isSafeInteger(step) && step >= 0) return step;
  return checkArguments(functionName).fail(
    'step',
    step,
    'an integer >= 0 (at most 2^53 - 1)',
    typeof step === 'number' && Number.isFinite(step) && step >= 0
      ? `Round it, e.g. ${Math.round(step)}.`
      : 'Use the number of optimizer updates (or epochs) done so far.',
  );
}
