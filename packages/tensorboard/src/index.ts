export { crc32c, maskCrc32c, maskedCrc32c, unmaskCrc32c } from './crc32c';
export type {
  CorruptionKind,
  EventFileCorruptDetails,
  EventWriteDetails,
  EventWriteOperation,
} from './errors';
export { EventFileCorruptError, EventWriteError, WriterClosedError } from './errors';
export type {
  DataClass,
  EncodedImage,
  EventData,
  HistogramData,
  SummaryMetadata,
  SummaryValue,
  SummaryValueContent,
  TensorData,
} from './event-codec';
export { decodeEvent, encodeEvent, fileVersion, TensorDType } from './event-codec';
export type { EventFileNameParts } from './event-file-name';
export { eventFileName, isEventFileName } from './event-file-name';
export type { EventFileHandle, EventFileSystem, HostInfo } from './event-file-system';
export type {
  DecodedSummary,
  EventFileContents,
  EventFileWarning,
  ParseEventFileOptions,
  ScalarPoint,
  TensorBoardEvent,
} from './event-reader';
export { interpretSummaryValue, parseEventFile, scalarSeries, tensorNumbers } from './event-reader';
export { computeHistogram, defaultBucketLimits } from './histogram';
export type {
  HParamDefinition,
  HParamsExperiment,
  HParamsPluginContent,
  HParamsSessionEnd,
  HParamsSessionStart,
  HParamsSessionStatus,
  HParamType,
  HParamValue,
  MetricDefinition,
} from './hparams';
export {
  decodeHParamsPluginData,
  experimentTag,
  hparamsExperimentValue,
  hparamsPluginName,
  hparamsSessionEndValue,
  hparamsSessionStartValue,
  sessionEndInfoTag,
  sessionStartInfoTag,
} from './hparams';
export type { EncodedPng, ImageInput, PixelImage, PngImage } from './image';
export { encodeImage, readPngHeader } from './image';
export type { MemoryEventFileSystem } from './memory-file-system';
export { memoryFileSystem } from './memory-file-system';
export type {
  ImageOptions,
  ScalarEncoding,
  ScalarOptions,
  SummaryOptions,
  TextInput,
} from './summary-values';
export { histogramValue, imageValue, pluginNames, scalarValue, textValue } from './summary-values';
export type { SummaryWriter, SummaryWriterOptions, WriteOptions } from './summary-writer';
export { createSummaryWriter } from './summary-writer';
export { suggestTag } from './tags';
export type { ParsedRecords, RecordIssue, RecordSlice } from './tfrecord';
export { encodeRecord, parseRecords } from './tfrecord';
export type {
  TrainValidationWriters,
  TrainValidationWritersOptions,
} from './train-validation-writers';
export { createTrainValidationWriters } from './train-validation-writers';
