import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type ObjectiveModule, objectiveModulePath } from './worker-pool';

/**
 * What a distributed search's jobs carry so that only workers of the same
 * objective take them: the module's file name, the export and a hash of the
 * module file's content (the same on every machine that has the same file,
 * whatever its path there), e.g. `search.mjs#objective@3f2a9c01b4de`.
 * A module that is not a readable file (a package name, an `https:` URL) is
 * hashed by its name.
 *
 * @param objective - The module workers load and its exported function (default `objective`).
 * @returns The fingerprint.
 *
 * @example
 * ```ts
 * const executor = await bullmqExecutor({
 *   redis: 'redis://127.0.0.1:6379',
 *   objective: { module: './search.mjs' }, // jobs carry objectiveFingerprint({ module: './search.mjs' })
 * });
 * ```
 */
export function objectiveFingerprint(objective: ObjectiveModule): string {
  const { module } = objective;
  const exportName = objective.exportName ?? 'objective';
  const { path } = objectiveModulePath(module);
  let content: Buffer | string = module;
  if (path !== undefined) {
    try {
      content = readFileSync(path);
    } catch {
      // not readable here: the name stands for it
    }
  }
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  return `${basename(path ?? module)}#${exportName}@${hash}`;
}
