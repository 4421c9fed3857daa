// BENCHMARKS.md section "tensorboard": scalars written per second to an event file
// (encode, CRCs, write, close) by @trainkit/tensorboard's Node writer against the Python peer
// of bench/tensorboard_peer.py (torch.utils.tensorboard when it imports, else a hand-encoded
// tensorboardX equivalent), at 10k, 100k and 1M scalars, rounds alternating. The peer's file
// is read back with trainkit's reader once (every event present, CRCs valid).
//
//   node bench/sections/tensorboard.mjs [--quick] [--runs N] [--out PATH]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSummaryWriter, readEventFile } from '@trainkit/tensorboard/node';
import { pairedRatio, sideBySide, spread, startPeer, startSection } from '../lib/common.mjs';

const { options, progress, finish } = startSection('tensorboard');
// [scalars, rounds]
const plan = options.quick
  ? [[10_000, 1]]
  : [
      [10_000, 7],
      [100_000, 5],
      [1_000_000, 3],
    ];
const scratch = mkdtempSync(join(tmpdir(), 'trainkit-bench-tb-'));
let serial = 0;

async function trainkitWrite(count) {
  const dir = join(scratch, `trainkit-${serial++}`);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const writer = await createSummaryWriter(dir, { flushOnExit: false });
  for (let i = 0; i < count; i++) writer.scalar('loss', 1 / (i + 1), i);
  await writer.close();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const bytes = statSync(writer.path).size;
  rmSync(dir, { recursive: true, force: true });
  return { ms, cpuMs: (used.user + used.system) / 1000, bytes };
}

let check = null;
const { peer, info, unavailable } = await startPeer('tensorboard_peer.py');
async function peerWrite(count, verify = false) {
  const dir = join(scratch, `peer-${serial++}`);
  const result = await peer.call({ cmd: 'write', dir, count });
  if (verify) {
    const read = await Promise.all(result.files.map((f) => readEventFile(f)));
    const scalars = read
      .flatMap((r) => r.events)
      .flatMap((e) => e.summaries)
      .filter(
        (s, i) => s.kind === 'scalar' && s.tag === 'loss' && s.value === Math.fround(1 / (i + 1)),
      );
    check = {
      files: result.files.length,
      events: read.reduce((n, r) => n + r.events.length, 0),
      expectedEvents: count + 1,
      warnings: read.reduce((n, r) => n + r.warnings.length, 0),
      scalarsMatching: scalars.length,
    };
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

try {
  // Warm-up (JIT, imports) and the read-back check of the peer's file.
  await trainkitWrite(20_000);
  if (peer) await peerWrite(1_000, true);

  const rows = [];
  for (const [count, rounds] of plan) {
    const r = sideBySide();
    for (let round = 0; round < (options.runs ?? rounds); round++) {
      await r.round(round, () => trainkitWrite(count), peer && (() => peerWrite(count)));
      progress(
        `${count.toLocaleString('en-US')} scalars round ${round + 1}: trainkit ${r.trainkit.at(-1).ms.toFixed(0)} ms, peer ${r.peer.at(-1)?.ms.toFixed(0) ?? '-'} ms`,
      );
    }
    const perSecond = (list) => list.map((m) => count / (m.ms / 1000));
    rows.push({
      scalars: count,
      rounds: r.trainkit.length,
      trainkitPerSecond: spread(perSecond(r.trainkit)),
      peerPerSecond: spread(perSecond(r.peer)),
      trainkitBytesPerScalar: r.trainkit[0].bytes / count,
      peerBytesPerScalar: r.peer.length ? r.peer[0].bytes / count : null,
      // speedup = trainkit's scalars/s / the peer's, per round
      speedup: r.peer.length ? pairedRatio(perSecond(r.trainkit), perSecond(r.peer)) : null,
      loadAverage: spread(r.loads),
    });
  }
  if (peer) await peer.close();
  finish({
    peer: peer ? { name: info.implementation, ...info } : { unavailable },
    peerReadBack: check,
    rows,
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
