export {
  tensorHistogram,
  tensorToImages,
  writeTensorHistogram,
  writeTensorImages,
} from './tensor-summaries';
export type { TensorBoardCallbackOptions } from './tensorboard-callback';
export { TensorBoardCallback, tensorBoardCallback } from './tensorboard-callback';
