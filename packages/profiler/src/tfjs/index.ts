export type {
  FitProfileResult,
  ProfilerCallback,
  ProfilerCallbackOptions,
} from './profiler-callback';
export { fitPhases, profilerCallback } from './profiler-callback';
export type {
  SynchronizedProfiler,
  SynchronizedProfilerOptions,
  SynchronizeMode,
  WaitFor,
} from './synchronize';
export { synchronizeBackend, synchronizedProfiler } from './synchronize';
