// Training and validation curves as sibling runs, plus a weight histogram, an
// image and a Markdown note; then the logs read back.
//   tensorboard --logdir <the printed directory>     (open http://localhost:6006)
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scalarSeries } from '@trainkit/tensorboard';
import { createTrainValidationWriters, readLogdir } from '@trainkit/tensorboard/node';

const logdir = join(await mkdtemp(join(tmpdir(), 'runs-')), 'mlp');
const runs = await createTrainValidationWriters(logdir); // <logdir>/train, <logdir>/validation
for (let epoch = 0; epoch < 5; epoch++) {
  const trainLoss = 1 / (epoch + 1);
  runs.train.scalar('epoch_loss', trainLoss, epoch); // same tag in both runs:
  runs.validation.scalar('epoch_loss', trainLoss + 0.1 * epoch, epoch); // one chart, two curves
}
const weights = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.1);
runs.train.histogram('dense/kernel', weights, 4);
const pixels = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 7) % 256);
runs.validation.image('misclassified', { width: 28, height: 28, channels: 1, data: pixels }, 4);
runs.validation.text('notes', 'Validation loss rises after epoch 2: **overfitting**.', 4);
await runs.close(); // flushes; until then records are buffered (flushed every 2 s)

const logs = await readLogdir(logdir);
for (const [name, run] of logs) {
  const kinds = new Set(run.events.flatMap((e) => e.summaries.map((s) => `${s.kind} ${s.tag}`)));
  console.log(`${name}: ${[...kinds].join(', ')}`);
}
const validationLoss = scalarSeries(logs.get('validation')!.events).get('epoch_loss')!;
console.log(validationLoss.map((point) => point.value.toFixed(4)).join(' '));
