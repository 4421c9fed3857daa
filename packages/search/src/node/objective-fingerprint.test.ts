import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { objectiveFingerprint } from './objective-fingerprint';

describe('objectiveFingerprint', () => {
  const a = mkdtempSync(join(tmpdir(), 'trainkit-fingerprint-'));
  const b = mkdtempSync(join(tmpdir(), 'trainkit-fingerprint-'));
  const source = 'export function objective(trial) { return trial.config.x; }\n';
  writeFileSync(join(a, 'search.mjs'), source);
  writeFileSync(join(b, 'search.mjs'), source);
  writeFileSync(join(b, 'edited.mjs'), `${source}// edited\n`);

  it('is the same for copies of one module on two machines (paths differ), path or file: URL', () => {
    const here = objectiveFingerprint({ module: join(a, 'search.mjs') });
    expect(here).toMatch(/^search\.mjs#objective@[0-9a-f]{12}$/);
    expect(objectiveFingerprint({ module: join(b, 'search.mjs'), exportName: 'objective' })).toBe(
      here,
    );
    expect(objectiveFingerprint({ module: pathToFileURL(join(b, 'search.mjs')).href })).toBe(here);
  });

  it('differs for another export or other content', () => {
    const here = objectiveFingerprint({ module: join(a, 'search.mjs') });
    expect(objectiveFingerprint({ module: join(a, 'search.mjs'), exportName: 'other' })).toBe(
      here.replace('#objective@', '#other@'),
    );
    const edited = objectiveFingerprint({ module: join(b, 'edited.mjs') });
    expect(edited.slice(edited.indexOf('@'))).not.toBe(here.slice(here.indexOf('@')));
  });

  it('hashes the name of a module that is not a file here', () => {
    expect(objectiveFingerprint({ module: 'https://example.com/objective.mjs' })).toMatch(
      /^objective\.mjs#objective@[0-9a-f]{12}$/,
    );
  });
});
