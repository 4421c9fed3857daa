import {
  reduceOnPlateau,
  reduceOnPlateauFromJSON,
  reduceOnPlateauToJSON,
} from '@trainkit/schedules';

const plateau = reduceOnPlateau({ initialValue: 0.1, patience: 2, factor: 0.5 });
let state = plateau.init();
for (const validationLoss of [1.0, 0.8, 0.81, 0.8, 0.82]) {
  state = plateau.update(state, validationLoss);
}
console.log(state.learningRate); // 0.05: three epochs without improvement > patience 2

const saved = JSON.stringify(reduceOnPlateauToJSON(state)); // into your checkpoint
state = reduceOnPlateauFromJSON(saved); // after a restart: continues exactly
console.log(plateau.update(state, 0.7).learningRate); // 0.05: improved, no reduction
