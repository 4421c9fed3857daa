// Benchmarks of @trainkit/tensorboard (run `npx tsup` first):
//   node bench/tensorboard.mjs [scalarCount]
// 1. CRC-32C throughput: the shipped slicing-by-8 table vs a byte-at-a-time table.
// 2. Scalars written per second to disk (encode + CRC + buffered writes + close).
// 3. Events read back per second (read file + verify CRCs + decode + interpret).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@trainkit/core';
import { createSummaryWriter, readEventFile } from '../dist/node/index.js';

const scalarCount = Number(process.argv[2] ?? 2_000_000);

function bytewiseCrc32c() {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return (bytes) => {
    let crc = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
}

function time(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function timeAsync(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

function crcBenchmark() {
  const size = 32 * 1024 * 1024;
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 2654435761) >>> 24;
  const bytewise = bytewiseCrc32c();
  if (bytewise(data.subarray(0, 4096)) !== crc32c(data.subarray(0, 4096)))
    throw new Error('CRC mismatch');
  crc32c(data); // warm up
  bytewise(data);
  const rounds = 3;
  const fast = time(() => {
    for (let r = 0; r < rounds; r++) crc32c(data);
  });
  const slow = time(() => {
    for (let r = 0; r < rounds; r++) bytewise(data);
  });
  const mb = (size * rounds) / 1e6;
  // Small records: a scalar event is ~30 bytes.
  const small = data.subarray(0, 32);
  const smallRounds = 2_000_000;
  const smallFast = time(() => {
    let x = 0;
    for (let r = 0; r < smallRounds; r++) x ^= crc32c(small);
    return x;
  });
  return {
    slicingBy8MBps: mb / fast.seconds,
    bytewiseMBps: mb / slow.seconds,
    speedup: slow.seconds / fast.seconds,
    smallRecordsPerSecond: smallRounds / smallFast.seconds,
  };
}

async function writeReadBenchmark() {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-tb-bench-'));
  try {
    const measure = async (label, count, yieldEvery) => {
      // Default options: 1 MiB buffer, background flushes; the loop yields to the
      // event loop every `yieldEvery` scalars (like a training loop awaiting a step),
      // so those flushes run while logging continues.
      const writer = await createSummaryWriter(join(dir, label), { flushOnExit: false });
      const write = await timeAsync(async () => {
        for (let i = 0; i < count; i++) {
          writer.scalar('loss', 1 / (i + 1), i);
          if (yieldEvery > 0 && i % yieldEvery === 0) await new Promise(setImmediate);
        }
        await writer.close();
      });
      const bytes = statSync(writer.path).size;
      const read = await timeAsync(() => readEventFile(writer.path));
      if (read.result.events.length !== count + 1 || read.result.warnings.length !== 0) {
        throw new Error(`read back ${read.result.events.length} events`);
      }
      return {
        scalars: count,
        fileMB: bytes / 1e6,
        bytesPerScalar: bytes / count,
        writtenPerSecond: count / write.seconds,
        readPerSecond: count / read.seconds,
        writeMBps: bytes / 1e6 / write.seconds,
      };
    };
    await measure('warmup', 200_000, 0);
    const tight = await measure('tight', scalarCount, 0);
    const interleaved = await measure('interleaved', scalarCount, 1000);
    return { tight, interleaved };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const crc = crcBenchmark();
const io = await writeReadBenchmark();
const f = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d });
console.log(
  `@trainkit/tensorboard benchmark (node ${process.version}, ${process.platform}/${process.arch})`,
);
console.log('CRC-32C (32 MiB buffer, same run):');
console.log(`  slicing-by-8 (shipped)  ${f(crc.slicingBy8MBps)} MB/s`);
console.log(
  `  byte-at-a-time table    ${f(crc.bytewiseMBps)} MB/s   -> slicing-by-8 is ${f(crc.speedup, 1)}x faster`,
);
console.log(
  `  32-byte records         ${f(crc.smallRecordsPerSecond)} CRCs/s (the size of a scalar event)`,
);
const { tight, interleaved } = io;
console.log(
  `Scalars to disk (${f(tight.scalars)} scalar events, ${f(tight.fileMB, 1)} MB, ${f(tight.bytesPerScalar, 1)} B/event incl. 16 B framing; encode + 2 CRCs + write + close):`,
);
for (const [label, r] of [
  ['tight loop', tight],
  ['yield every 1000', interleaved],
]) {
  console.log(
    `  written (${label})  ${f(r.writtenPerSecond)} scalars/s (${f(r.writeMBps, 1)} MB/s)   target >= 500,000/s: ${r.writtenPerSecond >= 500_000 ? 'met' : 'NOT met'}`,
  );
}
console.log(
  `  read back  ${f(tight.readPerSecond)} scalars/s (CRCs verified, decoded, interpreted)`,
);
