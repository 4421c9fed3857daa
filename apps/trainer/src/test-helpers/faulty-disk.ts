// Directories that fail the way a read-only file system (EROFS) or a full disk
// (ENOSPC) fails, for the end-to-end tests of --logdir: a real small tmpfs
// when this process may mount one (root), otherwise a plain directory plus the
// environment that makes the CLI preload fs-faults.mjs, which injects the same
// error for writes under it.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const faults = fileURLToPath(new URL('./fs-faults.mjs', import.meta.url));
const mounts: string[] = [];

/** Mounts a tmpfs of `sizeKb` (read-only if asked); undefined when mounting is not allowed. */
async function tmpfs(sizeKb: number, readOnly: boolean): Promise<string | undefined> {
  const point = await mkdtemp(path.join(tmpdir(), 'trainkit-tmpfs-'));
  try {
    execFileSync(
      'mount',
      ['-t', 'tmpfs', '-o', `size=${sizeKb}k${readOnly ? ',ro' : ''}`, 'tmpfs', point],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  mounts.push(point);
  return point;
}

/**
 * A directory where writes fail with `fault`: EROFS (a read-only tmpfs of
 * `sizeKb`) or ENOSPC (a tmpfs of `sizeKb`: room for folders, not for much
 * more). Without mount rights, a fresh directory under `parent` and the `env`
 * for the CLI child that injects the fault there: every write fails, or with
 * `fillsUp` (ENOSPC), writes fail once `sizeKb` KiB were written (deletions
 * free nothing there, unlike on the tmpfs). Unmount with `unmountFaultyDisks()`.
 */
export async function faultyDirectory(
  fault: 'EROFS' | 'ENOSPC',
  sizeKb: number,
  parent: string,
  options: { readonly fillsUp?: boolean } = {},
): Promise<{ dir: string; env: Record<string, string> }> {
  const mounted = await tmpfs(sizeKb, fault === 'EROFS');
  if (mounted !== undefined) return { dir: mounted, env: {} };
  const dir = await mkdtemp(path.join(parent, fault === 'EROFS' ? 'ro-' : 'full-'));
  return {
    dir,
    env: {
      NODE_OPTIONS: `--import=${faults}`,
      TRAINKIT_TEST_FS_FAULT: `${fault}:${dir}`,
      ...(options.fillsUp === true && fault === 'ENOSPC'
        ? { TRAINKIT_TEST_FS_BUDGET: String(sizeKb * 1024) }
        : {}),
    },
  };
}

/** Unmounts every tmpfs `faultyDirectory` mounted. */
export function unmountFaultyDisks(): void {
  for (const point of mounts.splice(0)) execFileSync('umount', [point]);
}
