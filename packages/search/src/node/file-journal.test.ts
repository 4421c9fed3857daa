import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalCorruptError, JournalLockError, JournalMismatchError } from '../errors';
import { gridSearch } from '../grid-search';
import { parseJournal, replayJournal } from '../journal';
import { runSearch } from '../run-search';
import { categorical, defineSpace } from '../space';
import { fileJournal } from './file-journal';
import { currentProcess } from './process-identity';

const strategy = gridSearch({ space: defineSpace({ x: categorical([1, 2, 3]) }) });
const objective = (trial: { config: Record<string, unknown> }) => (trial.config.x as number) * 10;

function tempJournal(): string {
  return join(mkdtempSync(join(tmpdir(), 'trainkit-journal-')), 'nested', 'journal.jsonl');
}

async function search(path: string, log?: (m: string) => void) {
  const journal = await fileJournal(path, log === undefined ? {} : { log });
  try {
    return await runSearch({ strategy, direction: 'minimize', journal, objective });
  } finally {
    await journal.close();
  }
}

describe('fileJournal', () => {
  it('writes one JSON record per line that replays to the search result', async () => {
    const path = tempJournal();
    const result = await search(path);
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const state = replayJournal(parseJournal(text).records);
    expect(state.trials.map((t) => [t.state, t.value])).toEqual([
      ['finished', 10],
      ['finished', 20],
      ['finished', 30],
    ]);
    expect(result.best?.config).toEqual({ x: 1 });
    // header + 3 x (created, started, finished)
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).op),
    ).toEqual([
      'header',
      'created',
      'created',
      'created',
      'started',
      'finished',
      'started',
      'finished',
      'started',
      'finished',
    ]);
  });

  it('cuts off a torn last line before appending, and says so', async () => {
    const path = tempJournal();
    await search(path);
    const lines = readFileSync(path, 'utf8').split('\n');
    // Keep header + created x3 + started(0); then a write cut short.
    writeFileSync(path, `${lines.slice(0, 5).join('\n')}\n{"op":"finished","trial":0,"att`);
    const notes: string[] = [];
    const result = await search(path, (m) => notes.push(m));
    expect(notes.some((m) => m.includes('cut off a torn last line (31 bytes'))).toBe(true);
    expect(result.trials.map((t) => t.value)).toEqual([10, 20, 30]);
    expect(result.trials[0]!.attempts).toBe(2);
    // The file is whole again.
    expect(() => parseJournal(readFileSync(path, 'utf8'))).not.toThrow();
    expect(parseJournal(readFileSync(path, 'utf8')).tornTail).toBeUndefined();
  });

  it('adds the missing newline of a whole last record', async () => {
    const path = tempJournal();
    await search(path);
    const text = readFileSync(path, 'utf8');
    const lines = text.trimEnd().split('\n');
    writeFileSync(path, lines.slice(0, 6).join('\n')); // ... started(0), finished(0) without newline
    const result = await search(path);
    expect(result.trials[0]!.attempts).toBe(1);
    const repaired = readFileSync(path, 'utf8');
    expect(repaired.startsWith(`${lines.slice(0, 6).join('\n')}\n`)).toBe(true);
    expect(parseJournal(repaired).records).toHaveLength(10);
  });

  it('refuses a damaged line in the middle, naming the line, without touching the file', async () => {
    const path = tempJournal();
    await search(path);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = '{"op":"created","trial":1,"conf';
    const damaged = lines.join('\n');
    writeFileSync(path, damaged);
    const error = await fileJournal(path).catch((caught: unknown) => caught);
    expect(JournalCorruptError.isInstance(error)).toBe(true);
    expect((error as JournalCorruptError).line).toBe(3);
    expect((error as Error).message).toContain(`${path} line 3 is not a valid journal record`);
    expect(readFileSync(path, 'utf8')).toBe(damaged);
  });

  it('refuses a journal of another search', async () => {
    const path = tempJournal();
    await search(path);
    const before = readFileSync(path, 'utf8');
    const journal = await fileJournal(path);
    const other = gridSearch({ space: defineSpace({ x: categorical([1, 2, 4]) }) });
    const error = await runSearch({
      strategy: other,
      direction: 'minimize',
      journal,
      objective,
    }).catch((e: unknown) => e);
    await journal.close();
    expect(JournalMismatchError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`${path} was written by a different search`);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('lets two handles append concurrently through the lock', async () => {
    const path = tempJournal();
    await search(path);
    const a = await fileJournal(path);
    const b = await fileJournal(path);
    const base = parseJournal(readFileSync(path, 'utf8')).records.length;
    const appendMany = (handle: typeof a, trial: number) =>
      Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          handle.transact(0, () => ({
            append: [
              { op: 'reported' as const, trial, attempt: 1, step: i + 10, value: i, time: 0 },
            ],
            result: undefined,
          })),
        ),
      );
    await Promise.all([appendMany(a, 0), appendMany(b, 1)]);
    // Each handle sees the other's records.
    const seenByA = await a.transact(0, (fresh) => ({ append: [], result: fresh.length }));
    await Promise.all([a.close(), b.close()]);
    const records = parseJournal(readFileSync(path, 'utf8')).records;
    expect(records).toHaveLength(base + 100);
    expect(seenByA).toBe(base + 100);
  });
});

describe('the journal lock', () => {
  it('breaks a lock whose holder process is gone', async () => {
    const path = tempJournal();
    await search(path);
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
    const pid = Number(String(dead.stdout).trim());
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ token: 'x', host: hostname(), pid, startTime: '1', time: Date.now() }),
    );
    const notes: string[] = [];
    const journal = await fileJournal(path, { log: (m) => notes.push(m), lockTimeoutMs: 2000 });
    await journal.transact(0, () => ({ append: [], result: undefined }));
    await journal.close();
    expect(notes).toEqual([`broke the stale lock ${path}.lock: its holder (pid ${pid}) is gone`]);
  });

  it('waits for a live holder and then fails with the holder named', async () => {
    const path = tempJournal();
    await search(path);
    const me = currentProcess();
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({
        token: 'x',
        host: me.host,
        pid: me.pid,
        startTime: me.startTime,
        time: Date.now() - 60_000,
      }),
    );
    const journal = await fileJournal(path, { lockTimeoutMs: 300 });
    const started = Date.now();
    const error = await journal
      .transact(0, () => ({ append: [], result: 1 }))
      .catch((e: unknown) => e);
    await journal.close();
    expect(JournalLockError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((error as Error).message).toContain(`held by pid ${me.pid} on ${me.host}`);
  });

  it('breaks an unreadable lock from another host once it is older than staleLockMs', async () => {
    const path = tempJournal();
    await search(path);
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({
        token: 'y',
        host: 'elsewhere',
        pid: 1,
        startTime: '1',
        time: Date.now() - 100,
      }),
    );
    const notes: string[] = [];
    const journal = await fileJournal(path, { staleLockMs: 50, log: (m) => notes.push(m) });
    await journal.transact(0, () => ({ append: [], result: undefined }));
    await journal.close();
    expect(notes[0]).toMatch(/^broke the stale lock .*: it is \d+ ms old$/);
    appendFileSync(path, '');
  });
});
