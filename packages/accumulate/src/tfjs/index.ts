export type { AccumulationCallback, AccumulationCallbackOptions } from './accumulation-callback';
export { accumulationCallback } from './accumulation-callback';
