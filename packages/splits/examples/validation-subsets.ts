import { validationSubsets } from '@trainkit/splits';

// Validate every 100 steps on at most 300 of 1,000 validation samples.
const subsets = validationSubsets({ validation: 1000, subsetSize: 300, every: 100, seed: 7 });
console.log(subsets.subsetsPerRotation); // 4: chunks of 250
const seen = new Set<number>();
for (let step = 1; step <= 800; step++) {
  // ... one optimizer update ...
  const indices = subsets.subsetAt(step); // defined at steps 100, 200, ...
  if (indices) {
    // evaluate on validation samples `indices`
    for (const i of indices) seen.add(i);
    if (step === 400) console.log(`steps 100..400 covered ${seen.size} samples`);
  }
}
