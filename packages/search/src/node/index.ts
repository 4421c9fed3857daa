export type { FileJournal, FileJournalOptions } from './file-journal';
export { fileJournal } from './file-journal';
export type { FileLock, FileLockOptions } from './file-lock';
export { acquireFileLock } from './file-lock';
export type { ObjectiveModule, WorkerPoolOptions } from './worker-pool';
export { workerPoolExecutor } from './worker-pool';
