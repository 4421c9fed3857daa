import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './artifacts';
import { fileSystemFix, fileSystemReason, TrainerError } from './errors';

/**
 * Reads a `--config` file that is about to be updated: its object, `{}` when
 * it does not exist. Commands call it before their work, so that a file that
 * cannot be updated is refused at once.
 *
 * @throws TrainerError naming the file when it cannot be read or is not a JSON object.
 */
export async function readConfigForUpdate(
  command: string,
  file: string,
  cwd: string,
): Promise<Record<string, unknown>> {
  const target = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return {};
    throw new TrainerError(
      `${command}: --apply ${file}: cannot read the file (${fileSystemReason(error)}). Choose another file.`,
      { cause: error },
    );
  }
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
  return parsed as Record<string, unknown>;
}

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
  let config = await readConfigForUpdate(command, file, cwd);
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
