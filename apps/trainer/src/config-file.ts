import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './artifacts';
import { fileSystemFix, fileSystemReason, TrainerError } from './errors';

/**
 * Sets keys of a `--config` file (a JSON object of flag names and values,
 * read by `trainkit train --config FILE`), keeping the keys already there:
 * `lr-find --apply FILE` writes `{ "lr": <suggestion> }` this way. The file
 * is created when missing and replaced atomically (a crash leaves the old
 * file or the new one).
 *
 * @param command - For messages, e.g. `trainkit lr-find`.
 * @param file - The file, relative to `cwd`.
 * @param cwd - The user's directory.
 * @param values - The keys to set.
 * @returns The file's absolute path and its new contents.
 * @throws TrainerError naming the file when it cannot be read, is not a JSON object, or cannot be written.
 */
export async function updateConfigFile(
  command: string,
  file: string,
  cwd: string,
  values: Readonly<Record<string, number | string>>,
): Promise<{ path: string; config: Record<string, unknown> }> {
  const target = path.resolve(cwd, file);
  let config: Record<string, unknown> = {};
  let text: string | undefined;
  try {
    text = await readFile(target, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') {
      throw new TrainerError(
        `${command}: --apply ${file}: cannot read the file (${fileSystemReason(error)}). Choose another file.`,
        { cause: error },
      );
    }
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new TrainerError(
        `${command}: --apply ${file}: the file exists but is not valid JSON (${(error as Error).message}); nothing was written. Fix it or choose another file.`,
        { cause: error },
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TrainerError(
        `${command}: --apply ${file}: the file exists but is not a JSON object of options; nothing was written. Fix it or choose another file.`,
      );
    }
    config = parsed as Record<string, unknown>;
  }
  config = { ...config, ...values };
  try {
    await writeFileAtomic(target, `${JSON.stringify(config, null, 2)}\n`);
  } catch (error) {
    throw new TrainerError(
      `${command}: --apply ${file}: cannot write the file (${fileSystemReason(error)}). ${fileSystemFix((error as { code?: string }).code).replace('--logdir', '--apply')}`,
      { cause: error },
    );
  }
  return { path: target, config };
}
