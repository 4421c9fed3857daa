export type { BackendAttempt, BackendName, BackendSelection } from './backend-selection';
export {
  BACKEND_NAMES,
  BACKEND_PACKAGES,
  formatBackendSelection,
  installHint,
  TFJS_VERSION,
} from './backend-selection';
export type { BackendUnavailableDetails } from './errors';
export { BackendUnavailableError } from './errors';
export { allFinite } from './tfjs/all-finite';
export { FusedAdamOptimizer, fusedAdam } from './tfjs/fused-adam';
export { fusedSoftmaxCrossEntropy } from './tfjs/fused-softmax-cross-entropy';
export type { SelectBackendOptions, WasmBinaryName } from './tfjs/select-backend';
export { selectBackend } from './tfjs/select-backend';
export type {
  RegisterWasmTrainingKernelsOptions,
  WasmTrainingKernelName,
  WasmTrainingKernelsRegistration,
} from './tfjs/wasm-training-kernels';
export {
  registeredWasmTrainingKernels,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from './tfjs/wasm-training-kernels';
