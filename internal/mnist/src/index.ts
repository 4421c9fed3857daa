export type { IdxArray, IdxElementType, IdxHeader } from './idx';
export { IdxFormatError, parseIdx, parseIdxHeader } from './idx';
export type { LoadMnistOptions, MnistData } from './mnist';
export { loadMnist, mnistDataDirectory } from './mnist';
