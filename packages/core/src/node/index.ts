export type {
  CheckpointContents,
  CheckpointDType,
  CheckpointInfo,
  CheckpointTensor,
  CheckpointValues,
  LoadCheckpointOptions,
  LoadedCheckpoint,
  SaveCheckpointOptions,
  SavedCheckpoint,
  SkippedCheckpoint,
  VerifiedCheckpoint,
} from './checkpoint';
export {
  checkpointFormat,
  checkpointVersion,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
export type {
  CheckpointProblemKind,
  CheckpointRestoreDetails,
  CheckpointWriteDetails,
} from './checkpoint-errors';
export { CheckpointRestoreError, CheckpointWriteError } from './checkpoint-errors';
export type { DirectoryLock, DirectoryLockOwner, LockDirectoryOptions } from './directory-lock';
export { DirectoryLockedError, lockDirectory } from './directory-lock';
export { isProcessAlive, processStartTime } from './process-alive';
