// Stability of learning-rate suggestions: the range test (1e-7 to 10, batch 128) on real MNIST
// for the MLP (784-256-128-10) and the CNN (both from @trainkit/mnist/models; the CNN without the
// trainer's dense-128 and dropout head), on the wasm backend with trainkit's kernels,
// over 5 seeds (initialization and batch order) and 100 vs 300 iterations. Every rule reads the same
// losses: trainkit's descent suggestion, fastai's valley, the steepest slope (fastai `steep`) and
// fastai's minimum/10. Spread = max/min of a rule's suggestions.
//
//   npx tsup && node bench/lr-finder.mjs                 Adam, both models, seeds 10-14
//   node bench/lr-finder.mjs --optimizer momentum        SGD with momentum 0.9
//   node bench/lr-finder.mjs --only mlp|cnn --seeds 0,1,2,3,4
import * as tf from '@tensorflow/tfjs-core';
import { formatBackendSelection, selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import { mnistInputShape, mnistModel } from '@trainkit/mnist/models';
import { rangeTest } from '../dist/tfjs/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const optimizerName = option('--optimizer', 'adam');
const only = option('--only', undefined);
const seeds = option('--seeds', '10,11,12,13,14').split(',').map(Number);
const lengths = option('--iterations', '100,300').split(',').map(Number);

tf.env().set('PROD', true);
console.log(formatBackendSelection(await selectBackend({ backend: 'wasm' })));
const mnist = await loadMnist({ split: 'train', limit: 20_000 });

function build(kind, seed) {
  // The reference models of @trainkit/mnist/models; the CNN without its hidden dense layer.
  const model = mnistModel(kind, {
    kernelSeed: (i) => seed * 100 + 1 + i,
    ...(kind === 'cnn' ? { hiddenUnits: 0 } : {}),
  });
  const optimizer =
    optimizerName === 'adam'
      ? tf.train.adam(1e-3)
      : optimizerName === 'sgd'
        ? tf.train.sgd(0.01)
        : tf.train.momentum(0.01, 0.9);
  model.compile({ optimizer, loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
  return model;
}

const fmt = (v) => (v === undefined || Number.isNaN(v) ? '-' : v.toExponential(1));
// Over the runs that gave a suggestion; "(k of n)" when some gave none (the loss never fell 10%).
const spread = (values) => {
  const ok = values.filter((v) => v !== undefined && Number.isFinite(v));
  if (ok.length === 0) return 'none';
  const text = `${(Math.max(...ok) / Math.min(...ok)).toFixed(1)}x`;
  return ok.length < values.length ? `${text} (${ok.length} of ${values.length})` : text;
};

for (const kind of ['mlp', 'cnn']) {
  if (only !== undefined && only !== kind) continue;
  const shape = mnistInputShape(kind);
  const x = tf.tensor(mnist.images, [mnist.count, ...shape]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(mnist.labels, 'int32'), 10), 'float32'));
  const rules = { trainkit: {}, valley: {}, steepest: {}, 'minimum/10': {} };
  const started = performance.now();
  for (const iterations of lengths) {
    for (const rule of Object.values(rules)) rule[iterations] = [];
    for (const seed of seeds) {
      const model = build(kind, seed);
      const result = await rangeTest(model, { x, y }, { iterations, batchSize: 128, seed });
      rules.trainkit[iterations].push(result.suggestion);
      rules.valley[iterations].push(result.peers.valley?.learningRate);
      rules.steepest[iterations].push(result.peers.steepest?.learningRate);
      rules['minimum/10'][iterations].push(result.peers.minimum?.learningRate);
      model.optimizer.dispose();
      model.dispose();
    }
  }
  tf.dispose([x, y]);
  console.log(
    `\n${kind.toUpperCase()} (${optimizerName}, batch 128, seeds ${seeds.join(',')}; ${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  const header = [
    'rule',
    ...lengths.map((n) => `${n} iterations`),
    ...lengths.map((n) => `spread @${n}`),
    'spread all',
  ];
  const rows = Object.entries(rules).map(([name, byLength]) => [
    name,
    ...lengths.map((n) => byLength[n].map(fmt).join(' ')),
    ...lengths.map((n) => spread(byLength[n])),
    spread(lengths.flatMap((n) => byLength[n])),
  ]);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}
