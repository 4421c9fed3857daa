export type {
  CorruptionKind,
  EventFileCorruptDetails,
  EventReadDetails,
  EventWriteDetails,
  EventWriteOperation,
} from './errors';
export {
  EventFileCorruptError,
  EventReadError,
  EventWriteError,
  WriterClosedError,
} from './errors';
export type {
  DataClass,
  EncodedImage,
  HistogramData,
  SummaryMetadata,
  SummaryValue,
  SummaryValueContent,
  TensorData,
} from './event-codec';
export { TensorDType } from './event-codec';
export { isEventFileName } from './event-file-name';
export type { EventFileHandle, EventFileSystem, HostInfo } from './event-file-system';
export type {
  DecodedSummary,
  EventFileContents,
  EventFileWarning,
  ParseEventFileOptions,
  ScalarPoint,
  TensorBoardEvent,
} from './event-reader';
export { parseEventFile, scalarSeries, tensorNumbers } from './event-reader';
export { computeHistogram } from './histogram';
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
export type { ImageInput, PixelImage, PngImage } from './image';
export type { MemoryEventFileSystem } from './memory-file-system';
export { memoryFileSystem } from './memory-file-system';
export type {
  ImageOptions,
  ScalarEncoding,
  ScalarOptions,
  SummaryOptions,
  TextInput,
} from './summary-values';
export { histogramValue, imageValue, scalarValue, textValue } from './summary-values';
export type { SummaryWriter, SummaryWriterOptions, WriteOptions } from './summary-writer';
export { createSummaryWriter } from './summary-writer';
export { suggestTag } from './tags';
export type {
  CreateWriter,
  TrainValidationWriters,
  TrainValidationWritersOptions,
} from './train-validation-writers';
export { createTrainValidationWriters } from './train-validation-writers';
