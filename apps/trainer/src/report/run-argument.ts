import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { artifactFiles } from '../artifacts';
import { TrainerError } from '../errors';
import { displayPath } from '../run-directory';

async function isDirectory(target: string): Promise<boolean> {
  return (await stat(target).catch(() => undefined))?.isDirectory() ?? false;
}

/** The newest modification time of a directory's artifacts, or undefined when it has none. */
async function artifactTime(directory: string): Promise<number | undefined> {
  let newest: number | undefined;
  for (const file of Object.values(artifactFiles)) {
    const info = await stat(path.join(directory, file)).catch(() => undefined);
    if (info?.isFile()) newest = Math.max(newest ?? 0, info.mtimeMs);
  }
  return newest;
}

/** The run directories under `root` that hold at least one artifact, newest first. */
export async function runsUnder(root: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const found: { name: string; time: number }[] = [];
  for (const name of names) {
    const time = await artifactTime(path.join(root, name));
    if (time !== undefined) found.push({ name, time });
  }
  return found.sort((a, b) => b.time - a.time || a.name.localeCompare(b.name)).map((r) => r.name);
}

/**
 * Resolves a RUN argument: a directory path (relative to the user's
 * directory), else a run name under `--logdir`; without one, the run under
 * `--logdir` whose artifacts changed last. A run must hold at least one
 * artifact. Failures are TrainerErrors naming what was tried and what exists.
 */
export async function resolveRun(
  command: string,
  run: string | undefined,
  logdir: string,
  cwd: string,
): Promise<string> {
  const root = path.resolve(cwd, logdir);
  if (run === undefined) {
    const [latest] = await runsUnder(root);
    if (latest === undefined) {
      throw new TrainerError(
        `${command}: no run directory with artifacts under --logdir ${logdir} (${displayPath(cwd, root)}). Train one first (trainkit train), or give RUN: a run directory or its name.`,
      );
    }
    return path.join(root, latest);
  }
  const candidates = [path.resolve(cwd, run), path.join(root, run)];
  for (const candidate of candidates) {
    if (!(await isDirectory(candidate))) continue;
    if ((await artifactTime(candidate)) !== undefined) return candidate;
    throw new TrainerError(
      `${command}: ${displayPath(cwd, candidate)} holds no run artifacts (${Object.values(artifactFiles).slice(0, 3).join(', ')}, ...). Give a run directory that trainkit train, sanity, lr-find, search or recipe wrote.`,
    );
  }
  const known = await runsUnder(root);
  throw new TrainerError(
    `${command}: run '${run}' not found (no directory ${displayPath(cwd, candidates[0]!)} nor ${displayPath(cwd, candidates[1]!)}). ${known.length === 0 ? `There are no runs under --logdir ${logdir}.` : `Runs under --logdir ${logdir}: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''}.`}`,
  );
}

/** Runs `parse` (node:util parseArgs); a parse error carries `command`, so that the CLI's one line points at that command's --help. */
export function withCommand<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (typeof (error as { code?: unknown }).code === 'string') {
      Object.assign(error as object, { command });
    }
    throw error;
  }
}
