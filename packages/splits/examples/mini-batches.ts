import { miniBatches, prefetchBatches } from '@trainkit/splits';

const trainIndices = Int32Array.from({ length: 10 }, (_, i) => i * 10);
for (let epoch = 0; epoch < 2; epoch++) {
  // Epoch e's order depends only on (seed, e): resuming at epoch e, batch b is exact.
  const batches = miniBatches(trainIndices, { batchSize: 4, seed: 7, epoch });
  const loaded = prefetchBatches(batches, async (indices) => Array.from(indices), { depth: 2 });
  for await (const batch of loaded) {
    // train on `batch` while the next two batches load
    console.log(`epoch ${epoch}: ${batch.join(' ')}`);
  }
}
