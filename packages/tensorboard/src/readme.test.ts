import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hparamsExample } from '../examples/hparams';
import { trainValidationExample } from '../examples/train-validation';
import { readLogdir } from './node';

const root = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const readme = fs.readFileSync(root('README.md'), 'utf8');

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'trainkit-tensorboard-readme-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('README', () => {
  it('shows every example file verbatim', () => {
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n\n```ts\n([\s\S]*?)\n```/g)];
    expect(blocks.map((b) => b[1])).toEqual([
      'examples/train-validation.ts',
      'examples/hparams.ts',
      'examples/fit-callback.ts',
    ]);
    for (const [, file, code] of blocks) {
      expect(code).toBe(fs.readFileSync(root(file!), 'utf8').trimEnd());
    }
  });

  it('train/validation example: sibling runs with the logged values', async () => {
    const logdir = path.join(scratch, 'mlp');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const validationLoss = await trainValidationExample(logdir);
    log.mockRestore();
    expect(validationLoss.map((p) => [p.step, p.value])).toEqual(
      [0, 1, 2, 3, 4].map((epoch) => [epoch, Math.fround(1 / (epoch + 1) + 0.1 * epoch)]),
    );
    const runs = await readLogdir(logdir);
    expect([...runs.keys()]).toEqual(['train', 'validation']);
    const kinds = (run: string) =>
      runs.get(run)!.events.flatMap((e) => e.summaries.map((s) => `${s.kind}:${s.tag}`));
    expect(new Set(kinds('train'))).toEqual(
      new Set(['scalar:epoch_loss', 'histogram:dense/kernel']),
    );
    expect(new Set(kinds('validation'))).toEqual(
      new Set(['scalar:epoch_loss', 'image:misclassified', 'text:notes']),
    );
  });

  it('hparams example: an experiment and one session per trial', async () => {
    const logdir = path.join(scratch, 'grid');
    await hparamsExample(logdir);
    const runs = await readLogdir(logdir);
    expect([...runs.keys()]).toEqual([
      '.',
      'trial-0',
      'trial-0/train',
      'trial-0/validation',
      'trial-1',
      'trial-1/train',
      'trial-1/validation',
    ]);
    const hparams = (run: string) =>
      runs
        .get(run)!
        .events.flatMap((e) => e.summaries)
        .map((s) => (s.kind === 'hparams' ? s.data.kind : s.kind));
    expect(hparams('.')).toEqual(['experiment']);
    expect(hparams('trial-1')).toEqual(['session-start', 'session-end']);
  });
});
