export type { IdxArray, IdxElementType } from './idx';
export { IdxFormatError, parseIdx } from './idx';
export type { LoadMnistOptions, MnistData } from './mnist';
export { loadMnist, mnistDataDirectory } from './mnist';
