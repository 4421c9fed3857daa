// TEMPORARY: core's own CRC32C now (packages/core/src/crc32c.ts); import from '../crc32c' and delete this file.
export { crc32c } from '../crc32c';
