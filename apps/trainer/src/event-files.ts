import { readdir, stat, truncate, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isEventFileName } from '@trainkit/tensorboard';

/** The run's TensorBoard runs: the session (hparams) in the run directory, and its two sibling runs. */
const runFolders = ['.', 'train', 'validation'];

/** Every event file of a run directory with its size, by path relative to the run directory. */
export async function eventFileSizes(runDirectory: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const folder of runFolders) {
    const names = await readdir(path.join(runDirectory, folder)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (!isEventFileName(name)) continue;
      const relative = path.posix.join(folder, name);
      sizes[relative] = (await stat(path.join(runDirectory, relative))).size;
    }
  }
  return sizes;
}

/** What {@link rewindEventFiles} did. */
export interface RewindResult {
  /** Event files cut back to their size at the checkpoint. */
  readonly truncated: number;
  /** Event files created after the checkpoint, removed. */
  readonly removed: number;
  /** Event files shorter than at the checkpoint (records lost outside the trainer's control). */
  readonly shorter: readonly string[];
}

/**
 * Rewinds a run's TensorBoard event files to the moment of a checkpoint, so
 * that after a resume every step's records are there exactly once: files are
 * cut back to the size they had when the checkpoint was taken (the writers are
 * flushed before every checkpoint, so that size ends with a whole record and
 * holds everything logged up to the checkpoint's step), and files created
 * after it (by a session killed before its next checkpoint) are removed. It is
 * TensorBoard's purge of orphaned steps, done on the files themselves.
 *
 * @param runDirectory - The run directory.
 * @param recorded - The sizes saved with the checkpoint ({@link eventFileSizes}).
 */
export async function rewindEventFiles(
  runDirectory: string,
  recorded: Readonly<Record<string, number>>,
): Promise<RewindResult> {
  const current = await eventFileSizes(runDirectory);
  let truncated = 0;
  let removed = 0;
  const shorter: string[] = [];
  for (const [relative, size] of Object.entries(current)) {
    const file = path.join(runDirectory, relative);
    const wanted = recorded[relative];
    if (wanted === undefined) {
      await unlink(file);
      removed++;
    } else if (size > wanted) {
      await truncate(file, wanted);
      truncated++;
    } else if (size < wanted) {
      shorter.push(relative);
    }
  }
  return { truncated, removed, shorter };
}
