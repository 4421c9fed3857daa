// The BENCHMARKS.md generator: `npm run bench` (full, writes BENCHMARKS.md at the root) or
// `npm run bench:quick` (every script in seconds, writes bench/out/BENCHMARKS.quick.md; CI).
// Installs the peers from Debian when they are missing (root: apt-get), runs every section
// in turn (each alternates trainkit's and the peer's measurements itself), samples the load
// average all along, and renders the page from the sections' JSON. See bench/README.md.
//
//   node bench/run.mjs [--quick] [--only a,b] [--skip a,b] [--no-install] [--render-only]
//                      [--out PATH]
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { benchDir, outDir, PYTHON, rootDir, writeJson } from './lib/common.mjs';
import { renderPage } from './lib/render.mjs';

const SECTIONS = [
  { id: 'peers', script: 'peers.mjs', title: 'MNIST training (bench/peers.mjs)' },
  { id: 'time-to-accuracy', script: 'sections/time-to-accuracy.mjs', title: 'time to accuracy' },
  { id: 'accumulation', script: 'sections/accumulation.mjs', title: 'gradient accumulation' },
  { id: 'schedules', script: 'sections/schedules.mjs', title: 'schedules' },
  { id: 'splits', script: 'sections/splits.mjs', title: 'splits' },
  { id: 'metrics', script: 'sections/metrics.mjs', title: 'metrics' },
  { id: 'tensorboard', script: 'sections/tensorboard.mjs', title: 'TensorBoard writing' },
  { id: 'sanity', script: 'sections/sanity.mjs', title: 'sanity monitor' },
  { id: 'search', script: 'sections/search.mjs', title: 'search executors' },
];

const HELP = `node bench/run.mjs [options]   (npm run bench / npm run bench:quick)
  --quick          every section in seconds (not a measurement); writes bench/out/BENCHMARKS.quick.md
  --only a,b       run only these sections (${SECTIONS.map((s) => s.id).join(', ')}); the others
                   are rendered from their last JSON in bench/out when present
  --skip a,b       run every section but these (same rendering rule)
  --no-install     do not apt-get install missing peers (their rows say why they are missing)
  --render-only    render the page from bench/out/*.json without running anything
  --out PATH       the page (default: BENCHMARKS.md at the root; BENCHMARKS.quick.md in bench/out with --quick)
  --help`;

function parseArgs(argv) {
  const options = {
    quick: false,
    only: null,
    skip: [],
    install: true,
    renderOnly: false,
    out: null,
  };
  const ids = (value) => {
    const list = (value ?? '').split(',').filter(Boolean);
    for (const id of list) {
      if (!SECTIONS.some((s) => s.id === id)) {
        throw new Error(`bench: unknown section ${id} (${SECTIONS.map((s) => s.id).join(', ')})`);
      }
    }
    return list;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help') {
      console.log(HELP);
      process.exit(0);
    } else if (arg === '--quick') options.quick = true;
    else if (arg === '--only') options.only = ids(argv[++i]);
    else if (arg === '--skip') options.skip = ids(argv[++i]);
    else if (arg === '--no-install') options.install = false;
    else if (arg === '--render-only') options.renderOnly = true;
    else if (arg === '--out') options.out = argv[++i];
    else throw new Error(`bench: unknown option ${arg} (see --help)`);
  }
  options.out ??= options.quick
    ? join(outDir, 'BENCHMARKS.quick.md')
    : join(rootDir, 'BENCHMARKS.md');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const suffix = options.quick ? '.quick' : '';
const jsonPath = (id) => join(outDir, `${id}${suffix}.json`);
const runPath = join(outDir, `run${suffix}.json`);
mkdirSync(outDir, { recursive: true });
mkdirSync(join(benchDir, '.cache'), { recursive: true });

// ---------------------------------------------------------------- peers from Debian

function python(code) {
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0
    ? { ok: true, out: r.stdout.trim() }
    : { ok: false, error: (r.stderr || r.error?.message || '').trim().split('\n').at(-1) };
}

const OPENBLAS_PTHREAD = '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3';

function peerStatus() {
  return {
    torch: python('import torch; print(torch.__version__)'),
    sklearn: python('import sklearn; print(sklearn.__version__)'),
    openblas: existsSync(OPENBLAS_PTHREAD)
      ? { ok: true, out: OPENBLAS_PTHREAD }
      : { ok: false, error: `${OPENBLAS_PTHREAD} missing` },
  };
}

/** Installs python3-torch, python3-sklearn, libopenblas0-pthread when missing (root or sudo -n). */
function ensurePeers() {
  const before = peerStatus();
  const packages = [
    ['torch', 'python3-torch'],
    ['sklearn', 'python3-sklearn'],
    ['openblas', 'libopenblas0-pthread'],
  ]
    .filter(([key]) => !before[key].ok)
    .map(([, pkg]) => pkg);
  const install = {
    packages,
    attempted: false,
    outcome: packages.length === 0 ? 'all present' : null,
  };
  if (packages.length > 0) {
    if (!options.install) install.outcome = 'not installed (--no-install)';
    else {
      const root = process.getuid?.() === 0;
      const sudo = !root && spawnSync('sudo', ['-n', 'true']).status === 0;
      if (!root && !sudo) install.outcome = 'not installed: not root and no passwordless sudo';
      else {
        install.attempted = true;
        const prefix = root ? [] : ['sudo', '-n'];
        const run = (args) => {
          console.log(`bench: ${[...prefix, ...args].join(' ')}`);
          const [cmd, ...rest] = [...prefix, ...args];
          return spawnSync(cmd, rest, {
            stdio: 'inherit',
            env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
          });
        };
        const update = run(['apt-get', 'update']);
        const result =
          update.status === 0
            ? run(['apt-get', 'install', '-y', '--no-install-recommends', ...packages])
            : update;
        install.outcome =
          result.status === 0
            ? `installed ${packages.join(', ')}`
            : `apt-get failed (exit ${result.status})`;
      }
    }
  }
  return { before, after: packages.length > 0 ? peerStatus() : before, install };
}

// ---------------------------------------------------------------- machine

function cpuInfo() {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux
  }
  const field = (name) =>
    text
      .split('\n')
      .find((l) => l.startsWith(name))
      ?.split(':')[1]
      ?.trim();
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const interesting = [
    'sse4_2',
    'avx',
    'avx2',
    'fma',
    'f16c',
    'avx512f',
    'avx512vl',
    'avx512bw',
    'avx512_vnni',
    'avx512_bf16',
    'amx_tile',
  ];
  return {
    model: field('model name') ?? os.cpus()[0]?.model,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    flags: interesting.filter((f) => flags.has(f)),
    memoryGiB: os.totalmem() / 2 ** 30,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    debian: existsSync('/etc/debian_version')
      ? readFileSync('/etc/debian_version', 'utf8').trim()
      : null,
  };
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(rootDir, 'node_modules', name, 'package.json'), 'utf8'))
      .version;
  } catch {
    return null;
  }
}

function gitState() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: rootDir,
    encoding: 'utf8',
  });
  const dirty = spawnSync(
    'git',
    ['status', '--porcelain', '--', 'packages', 'bench', 'apps', 'internal'],
    { cwd: rootDir, encoding: 'utf8' },
  );
  return {
    commit: head.stdout?.trim() || null,
    uncommittedFiles: dirty.stdout ? dirty.stdout.split('\n').filter(Boolean).length : null,
  };
}

// ---------------------------------------------------------------- run the sections

const loadSamples = [];
let currentSection = null;
function sampleLoad() {
  const [m1, m5, m15] = os.loadavg();
  loadSamples.push({ t: Date.now(), section: currentSection, m1, m5, m15 });
}

function runSection(section) {
  return new Promise((resolve) => {
    const args = [join(benchDir, section.script), '--out', jsonPath(section.id)];
    if (options.quick) args.push('--quick');
    const log = createWriteStream(join(outDir, `${section.id}${suffix}.log`));
    const start = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: rootDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const keep = (chunk) => {
      log.write(chunk);
      tail = (tail + chunk).slice(-3000);
    };
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      // bench/peers.mjs reports its progress on stdout
      for (const line of String(chunk).split('\n'))
        if (/^run \d/.test(line)) console.log(`  ${line}`);
    });
    child.stderr.on('data', (chunk) => {
      keep(chunk);
      for (const line of String(chunk).split('\n'))
        if (line.startsWith('[')) console.log(`  ${line}`);
    });
    child.on('close', (code, signal) => {
      log.end();
      const seconds = (Date.now() - start) / 1000;
      const lastLines = tail
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^=+$|^Hi, looks like/.test(l))
        .slice(-4)
        .join(' / ');
      resolve({
        id: section.id,
        code: signal ?? code,
        seconds,
        error: code === 0 ? null : lastLines,
      });
    });
  });
}

const startedAt = new Date();
const selected = SECTIONS.filter((s) =>
  options.only ? options.only.includes(s.id) : !options.skip.includes(s.id),
);
let peers = null;
const sectionRuns = {};
let previousRun = null;
if (existsSync(runPath)) {
  try {
    previousRun = JSON.parse(readFileSync(runPath, 'utf8'));
  } catch {
    previousRun = null;
  }
}

if (!options.renderOnly) {
  console.log(
    `bench: ${options.quick ? 'quick mode (not a measurement)' : 'full run'}; sections: ${selected.map((s) => s.id).join(', ')}`,
  );
  peers = ensurePeers();
  for (const [key, value] of Object.entries(peers.after)) {
    console.log(`bench: peer ${key}: ${value.ok ? value.out : `unavailable (${value.error})`}`);
  }
  sampleLoad();
  const timer = setInterval(sampleLoad, options.quick ? 1000 : 5000);
  for (const section of selected) {
    currentSection = section.id;
    console.log(`bench: ${section.id} ...`);
    const result = await runSection(section);
    sectionRuns[section.id] = { ...result, finishedAt: new Date().toISOString() };
    console.log(
      `bench: ${section.id} ${result.code === 0 ? 'done' : `FAILED (${result.code})`} in ${result.seconds.toFixed(0)} s`,
    );
  }
  currentSection = null;
  sampleLoad();
  clearInterval(timer);
}

const finishedAt = new Date();
const run =
  options.renderOnly && previousRun
    ? previousRun
    : {
        format: 'trainkit.bench.run',
        version: 1,
        quick: options.quick,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        seconds: (finishedAt - startedAt) / 1000,
        sections: { ...(previousRun?.sections ?? {}), ...sectionRuns },
        ranThisTime: Object.keys(sectionRuns),
        loadSamples: [
          ...(previousRun?.loadSamples ?? []).filter((s) => !sectionRuns[s.section]),
          ...loadSamples,
        ],
        peers: peers ?? previousRun?.peers ?? null,
        machine: cpuInfo(),
        versions: {
          node: process.versions.node,
          v8: process.versions.v8,
          tfjsCore: packageVersion('@tensorflow/tfjs-core'),
          tfjsBackendWasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
          tfjsLayers: packageVersion('@tensorflow/tfjs-layers'),
        },
        git: gitState(),
        command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      };
if (!options.renderOnly) writeJson(runPath, run);

const data = {};
for (const section of SECTIONS) {
  const path = jsonPath(section.id);
  if (!existsSync(path)) continue;
  try {
    data[section.id] = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    data[section.id] = { error: `unreadable ${relative(rootDir, path)}: ${error.message}` };
  }
}
writeFileSync(options.out, renderPage({ run, data, sections: SECTIONS }));
console.log(
  `bench: wrote ${relative(process.cwd(), options.out) || options.out} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
);
const failed = Object.values(sectionRuns).filter((r) => r.code !== 0);
if (failed.length > 0) {
  console.log(
    `bench: failed sections (their tables say so): ${failed.map((r) => r.id).join(', ')}`,
  );
  process.exitCode = 1;
}
