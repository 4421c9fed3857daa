// The serialized-state convention for your own stateful primitive: an envelope with a
// format and a version, every field checked on the way back.
import {
  encodeJsonNumbers,
  readStateEnvelope,
  StateRestoreError,
  stateEnvelope,
} from '@trainkit/core';

interface CounterState {
  count: number;
  values: number[];
}

function counterToJSON(state: CounterState) {
  return stateEnvelope('trainkit.example.counter', 1, {
    count: state.count,
    values: encodeJsonNumbers(state.values), // NaN, ±Infinity, -0 survive JSON
  });
}

function counterFromJSON(json: unknown): CounterState {
  const read = readStateEnvelope('counterFromJSON', json, {
    format: 'trainkit.example.counter',
    version: 1,
    writer: 'counterToJSON',
  });
  return { count: read.count('count'), values: read.jsonNumbers('values') };
}

const text = JSON.stringify(counterToJSON({ count: 3, values: [0.5, Number.NaN, -0] }));
console.log(text); // {"format":"trainkit.example.counter","version":1,"count":3,"values":[0.5,"NaN","-0"]}
console.log(counterFromJSON(text)); // { count: 3, values: [ 0.5, NaN, -0 ] }
try {
  counterFromJSON({ ...JSON.parse(text), values: [1, null] });
} catch (error) {
  if (StateRestoreError.isInstance(error)) console.log(error.field); // values[1]
}
