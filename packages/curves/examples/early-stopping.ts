import { earlyStopping } from '@trainkit/curves';

const stopper = earlyStopping({ patience: 2, minDelta: 1e-3 });
let state = stopper.init();
for (const valLoss of [0.9, 0.7, 0.71, 0.7, 0.72]) {
  const step = stopper.update(state, valLoss);
  state = step.state;
  if (step.shouldStop) break;
}
console.log(JSON.stringify(state));
