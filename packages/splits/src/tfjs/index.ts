export type {
  BatchSource,
  BatchTensors,
  HostData,
  HostTypedArray,
} from './gather-batch';
export { gatherBatch } from './gather-batch';
export type { TensorBatchesOptions } from './tensor-batches';
export { tensorBatches } from './tensor-batches';
