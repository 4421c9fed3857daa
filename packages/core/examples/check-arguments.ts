// Argument checks that throw typed errors, and telling trainkit's errors apart.
import { checkArguments, InvalidArgumentError, TrainkitError } from '@trainkit/core';

function makeDecay(options: { decaySteps: number }) {
  const check = checkArguments('makeDecay');
  const decaySteps = check.integer('decaySteps', options.decaySteps, { min: 1 });
  return (step: number) => Math.max(0, 1 - step / decaySteps);
}

console.log(makeDecay({ decaySteps: 4 })(1)); // 0.75
try {
  makeDecay({ decaySteps: 0 });
} catch (error) {
  // makeDecay: decaySteps must be an integer >= 1, got 0.
  if (InvalidArgumentError.isInstance(error)) console.log(error.message, error.argument);
  if (TrainkitError.isInstance(error)) console.log('a trainkit error');
}
