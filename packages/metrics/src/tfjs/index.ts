export type { TensorConfusionMatrixUpdateOptions, TensorSampleWeight } from './confusion-matrix';
export {
  updateConfusionMatrixFromScores,
  updateConfusionMatrixFromTensors,
} from './confusion-matrix';
export type { TensorTopKAccuracyUpdateOptions } from './top-k-accuracy';
export { updateTopKAccuracyFromScores } from './top-k-accuracy';
