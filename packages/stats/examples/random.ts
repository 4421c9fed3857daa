// A seeded PCG32 generator whose state goes into a checkpoint and continues bit for bit.
import {
  createRandom,
  deriveSeed,
  randomFromJSON,
  randomToJSON,
  restoreRandom,
} from '@trainkit/stats';

const random = createRandom({ seed: 42, stream: 54 });
console.log(random.nextUint32().toString(16)); // the published PCG32 test vector
const saved = JSON.stringify(randomToJSON(random.getState())); // into the checkpoint
const resumed = restoreRandom(randomFromJSON(saved));
console.log(resumed.nextFloat() === random.nextFloat());
console.log(deriveSeed(42, 3)); // the seed of epoch 3: a pure function of (seed, key)
