export { nodeFileSystem, nodeHostInfo } from './node-file-system';
export type { ReadEventFileOptions, RunContents } from './read-event-files';
export { readEventFile, readLogdir, readRun } from './read-event-files';
export { createSummaryWriter, createTrainValidationWriters } from './writers';
