// Shared helpers of the BENCHMARKS.md sections (bench/sections/*.mjs) and the generator
// (bench/run.mjs): statistics, the section command line, JSON output, the Python peer
// worker (one JSON command per line on stdin, one JSON answer per line on stdout).
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const rootDir = join(benchDir, '..');
export const outDir = join(benchDir, 'out');
export const cacheDir = join(benchDir, '.cache');
export const PYTHON = process.env.TRAINKIT_BENCH_PYTHON ?? '/usr/bin/python3';
mkdirSync(cacheDir, { recursive: true });

/** Median (mean of the two middle values for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{ median, min, max, n }` of a list of numbers (null for an empty list). */
export function spread(values) {
  if (values.length === 0) return null;
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/** Element-wise ratio of two paired lists (same round), then its spread. */
export function pairedRatio(numerators, denominators) {
  const n = Math.min(numerators.length, denominators.length);
  const ratios = [];
  for (let i = 0; i < n; i++) ratios.push(numerators[i] / denominators[i]);
  return spread(ratios);
}

/** Process CPU time (user + system) in milliseconds. */
export function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Times `fn` (sync or async): `{ ms, cpuMs, value }`. */
export async function timed(fn) {
  const cpu = cpuMs();
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, cpuMs: cpuMs() - cpu, value };
}

/** The 1-minute load average, sampled by the caller before each measurement. */
export function load1() {
  return os.loadavg()[0];
}

/** A section's command line: `--quick`, `--out PATH`, `--runs N`. */
export function sectionArgs(name) {
  const argv = process.argv.slice(2);
  const options = { quick: false, out: join(outDir, `${name}.json`), runs: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--out') options.out = argv[++i];
    else if (arg === '--runs') {
      options.runs = Number(argv[++i]);
      if (!Number.isInteger(options.runs) || options.runs < 1) {
        throw new Error(`${name}: --runs must be a positive integer, got ${argv[i]}`);
      }
    } else throw new Error(`${name}: unknown option ${arg} (--quick, --out PATH, --runs N)`);
  }
  return options;
}

/** Writes JSON atomically (temp file + rename), creating the folder. */
export function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** A section's JSON envelope. */
export function sectionResult(name, options, body) {
  return {
    format: `trainkit.bench.${name}`,
    version: 1,
    quick: options.quick,
    finishedAt: new Date().toISOString(),
    ...body,
  };
}

/**
 * The environment of a Python peer: OpenBLAS (pthread build) forced whatever the system's
 * BLAS alternative is, `threads` BLAS/OpenMP threads, idle OpenMP threads not spinning, and
 * glibc's allocator keeping large blocks on the heap (as bench/peers.mjs sets for PyTorch).
 */
export function peerEnv(threads = 1) {
  return {
    ...process.env,
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: passed through to the peer unchanged
    LD_LIBRARY_PATH: ['/usr/lib/x86_64-linux-gnu/openblas-pthread', process.env.LD_LIBRARY_PATH]
      .filter(Boolean)
      .join(':'),
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    OMP_WAIT_POLICY: 'PASSIVE',
    MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
    MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024),
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/**
 * A long-lived Python peer (bench/<script>.py, protocol of bench/peer_protocol.py), so that
 * trainkit's and the peer's measurements can alternate within one run.
 * `start()` resolves to the peer's `hello` answer or rejects with the reason it is unavailable.
 */
export class PythonPeer {
  constructor(script, { threads = 1 } = {}) {
    this.script = script;
    this.threads = threads;
  }

  async start() {
    this.stderr = '';
    this.child = spawn(PYTHON, [join(benchDir, this.script)], {
      env: peerEnv(this.threads),
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: benchDir,
    });
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve(signal ?? code));
      this.child.on('error', (error) => {
        this.spawnError = error;
        resolve(error.message);
      });
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    return this.call({ cmd: 'hello', threads: this.threads });
  }

  async call(command) {
    if (this.spawnError) throw new Error(`${PYTHON}: ${this.spawnError.message}`);
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const next = await Promise.race([
      this.lines.next(),
      this.exited.then((code) => ({ done: true, code })),
    ]);
    if (next.done) {
      const code = next.code ?? (await this.exited);
      const last = this.stderr.trim().split('\n').slice(-3).join(' / ');
      throw new Error(`${PYTHON} ${this.script} exited (${code}): ${last || 'no message'}`);
    }
    const answer = JSON.parse(next.value);
    if (!answer.ok) throw new Error(`${this.script}: ${answer.error}`);
    return answer.result;
  }

  async close() {
    if (!this.child || this.child.exitCode !== null) return;
    try {
      await Promise.race([this.call({ cmd: 'exit' }), new Promise((r) => setTimeout(r, 5000))]);
    } catch {
      // already gone
    }
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

/** Starts a peer; returns `{ peer, info }` or `{ peer: null, unavailable: reason }`. */
export async function startPeer(script, options) {
  const peer = new PythonPeer(script, options);
  try {
    const info = await peer.start();
    return { peer, info };
  } catch (error) {
    await peer.close().catch(() => {});
    return { peer: null, unavailable: error.message.split('\n')[0] };
  }
}

/** mulberry32 stream in [0, 1) (the generator bench/peers.mjs shares with PyTorch). */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Logs one progress line to stderr (stdout stays free). */
export function progress(section, text) {
  process.stderr.write(`[${section}] ${text}\n`);
}

/**
 * Writes a section's JSON (its envelope around `body`) to `options.out` and logs where:
 * the last step of every section.
 */
export function finishSection(name, options, body) {
  writeJson(options.out, sectionResult(name, options, body));
  progress(name, `wrote ${options.out}`);
}

/**
 * A section's run: its command line (`options`, see {@link sectionArgs}), `progress(text)`
 * lines tagged with its name, and `finish(body)`, which writes its JSON (see
 * {@link finishSection}).
 */
export function startSection(name) {
  const options = sectionArgs(name);
  return {
    options,
    progress: (text) => progress(name, text),
    finish: (body) => finishSection(name, options, body),
  };
}

/**
 * A side-by-side comparison with a peer framework, measured in rounds. `round(i, trainkit,
 * peer)` runs `trainkit()` and `peer()` (each resolving to a measurement `{ ms, cpuMs }`;
 * `peer` null when the peer is unavailable) back to back, trainkit first in even rounds and
 * the peer first in odd ones, sampling the 1-minute load average before each side; the
 * measurements collect in `trainkit`, `peer` and `loads`. `summary()` gives the page's
 * figures: spreads of both sides' wall and CPU ms, the per-round speedups (peer time /
 * trainkit time; null without the peer) and the load.
 */
export function sideBySide() {
  const pairs = {
    trainkit: [],
    peer: [],
    loads: [],
    async round(round, trainkit, peer) {
      const sides = round % 2 === 0 ? ['trainkit', 'peer'] : ['peer', 'trainkit'];
      for (const side of sides) {
        pairs.loads.push(load1());
        if (side === 'trainkit') pairs.trainkit.push(await trainkit());
        else if (peer) pairs.peer.push(await peer());
      }
    },
    summary() {
      const of = (list, key = 'ms') => list.map((m) => m[key]);
      const withPeer = pairs.peer.length > 0;
      return {
        trainkitMs: spread(of(pairs.trainkit)),
        trainkitCpuMs: spread(of(pairs.trainkit, 'cpuMs')),
        peerMs: spread(of(pairs.peer)),
        peerCpuMs: spread(of(pairs.peer, 'cpuMs')),
        speedup: withPeer ? pairedRatio(of(pairs.peer), of(pairs.trainkit)) : null,
        cpuSpeedup: withPeer
          ? pairedRatio(of(pairs.peer, 'cpuMs'), of(pairs.trainkit, 'cpuMs'))
          : null,
        loadAverage: spread(pairs.loads),
      };
    },
  };
  return pairs;
}
