// Comparing runs by hyperparameters (TensorBoard's HParams tab): the experiment
// in the log directory root, one session directory per trial with the trial's
// values, and the metric as a scalar of the trial's validation run.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSummaryWriter,
  createTrainValidationWriters,
  readLogdir,
} from '@trainkit/tensorboard/node';

const logdir = join(await mkdtemp(join(tmpdir(), 'runs-')), 'grid');
const root = await createSummaryWriter(logdir);
root.hparamsConfig({
  hparams: [
    { name: 'lr', domain: { min: 1e-4, max: 1e-1 } },
    { name: 'optimizer', domain: ['adam', 'sgd'] },
  ],
  metrics: [{ tag: 'epoch_loss', group: 'validation', displayName: 'validation loss' }],
});
await root.close();

const trials = [
  { lr: 0.01, optimizer: 'adam' },
  { lr: 0.001, optimizer: 'sgd' },
];
for (const [i, hparams] of trials.entries()) {
  const trialDir = join(logdir, `trial-${i}`);
  const session = await createSummaryWriter(trialDir);
  session.hparams(hparams); // _hparams_/session_start_info
  const runs = await createTrainValidationWriters(trialDir);
  for (let epoch = 0; epoch < 3; epoch++) {
    runs.validation.scalar('epoch_loss', 1 / (epoch + 1) + hparams.lr, epoch);
  }
  session.hparamsEnd({ status: 'success' }); // _hparams_/session_end_info
  await Promise.all([session.close(), runs.close()]);
}

// What TensorBoard will find (tensorboard --logdir <logdir>):
for (const [name, run] of await readLogdir(logdir)) {
  const summaries = run.events.flatMap((e) => e.summaries);
  const names = summaries.map((s) => (s.kind === 'hparams' ? s.data.kind : s.tag));
  console.log(`${name}: ${names.join(' ') || '(no summaries)'}`);
}
