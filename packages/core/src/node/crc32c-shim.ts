// TEMPORARY until foundation moves CRC32C into core. Not to be committed.
export { crc32c } from '../../../tensorboard/src/crc32c';
