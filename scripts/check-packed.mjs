#!/usr/bin/env node
// Uses the packages as an outside user does: packs every published package (packages/*,
// not private) with `npm pack`, installs the tarballs into a fresh project outside the
// repository next to TensorFlow.js at a given version, and checks there that
//   a. every packages/*/examples/*.ts runs (transpiled with esbuild to ESM, not bundled:
//      imports stay package names, resolved from the fresh project's node_modules),
//   b. every entry point loads with ESM import and with CJS require,
//   c. a file importing every entry type-checks strictly (moduleResolution nodenext, as
//      ESM and as CJS, and bundler),
//   d. every main entry bundles for the browser (esbuild) without a Node built-in.
// Prints a summary; exits 1 on any failure.
//
//   node scripts/check-packed.mjs [--tfjs 4.21.0,4.22.0] [--keep]
//
// Needs the packages built (npm run build) and the npm registry (or its cache) for the
// third-party dependencies.

import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRedis } from '@trainkit/test-redis';
import { build, transform } from 'esbuild';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The oldest and the newest TensorFlow.js the packages claim (peer range ^4.21.0, developed on 4.22.0). */
const defaultVersions = ['4.21.0', '4.22.0'];
/** SPEC: the main entry of every package but backend bundles for the browser. */
const nodeMainEntries = new Set(['@trainkit/backend']);
const exampleTimeoutMs = 180_000;

const usage = `Usage: node scripts/check-packed.mjs [--tfjs 4.21.0,4.22.0] [--keep]

Packs every published package (npm pack), installs the tarballs into a fresh project outside
the repository next to each given @tensorflow/tfjs version, and checks there that every
packages/*/examples/*.ts runs, every entry point loads with ESM import and CJS require, a file
importing every entry type-checks strictly (nodenext as ESM and CJS, and bundler), and every
main entry but @trainkit/backend's bundles for the browser without a Node built-in.
Needs the packages built (npm run build) and the npm registry (or its cache).

  --tfjs V1,V2   the @tensorflow/tfjs versions to check against (default ${defaultVersions.join(',')})
  --keep         keep the fresh projects (their paths are printed)

Exits 0 when every check passes, 1 on a failed check, 2 on a bad argument.`;

function parseArguments(argv) {
  const options = { versions: defaultVersions, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    } else if (arg === '--keep') options.keep = true;
    else if (arg === '--tfjs')
      options.versions = String(argv[++i] ?? '')
        .split(',')
        .filter(Boolean);
    else if (arg.startsWith('--tfjs=')) options.versions = arg.slice(7).split(',').filter(Boolean);
    else {
      console.error(
        `check-packed: unknown argument ${arg}. Use --tfjs <v1,v2> and --keep (--help for more).`,
      );
      process.exit(2);
    }
  }
  if (options.versions.length === 0 || !options.versions.every((v) => /^\d+\.\d+\.\d+$/.test(v))) {
    console.error(`check-packed: --tfjs must list versions like 4.21.0,4.22.0.`);
    process.exit(2);
  }
  return options;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function lastLines(text, count = 8) {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** The first lines (usually the error message) and the last ones of a failure's output. */
function excerpt(text) {
  const lines = text.trim().split('\n');
  if (lines.length <= 12) return lines.join('\n');
  return [...lines.slice(0, 6), '...', ...lines.slice(-6)].join('\n');
}

/**
 * Optional peers other than TensorFlow.js (e.g. search's bullmq and ioredis): a user who
 * runs the examples that need them installs them too.
 */
function optionalPeers(packages) {
  const specs = new Map();
  for (const { manifest } of packages) {
    for (const [name, meta] of Object.entries(manifest.peerDependenciesMeta ?? {})) {
      const range = manifest.peerDependencies?.[name];
      if (meta?.optional && range && !name.startsWith('@tensorflow/')) {
        specs.set(name, `${name}@${range}`);
      }
    }
  }
  return [...specs.values()].sort();
}

/** Runs a command with a timeout; resolves to { code, output, ms } (never rejects). */
function runCommand(command, args, { cwd, timeoutMs = 600_000, env = process.env } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n(killed after ${seconds(timeoutMs)})`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output, ms: Date.now() - started });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 1, output: String(error), ms: Date.now() - started });
    });
  });
}

function publishedPackages() {
  return readdirSync(join(root, 'packages'))
    .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(
        readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'),
      );
      return { dir: join(root, 'packages', dir), manifest };
    })
    .filter(({ manifest }) => !manifest.private)
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** Every import specifier a package exports: `@trainkit/x`, `@trainkit/x/tfjs`, ... */
function entrySpecifiers(manifest) {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

async function pack(packages, destination) {
  const tarballs = [];
  for (const { dir, manifest } of packages) {
    if (!existsSync(join(dir, 'dist'))) {
      throw new Error(`${manifest.name} has no dist/: run \`npm run build\` first.`);
    }
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [info] = JSON.parse(stdout);
    tarballs.push(join(destination, info.filename));
  }
  return tarballs;
}

const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

async function browserBuiltins(specifier, project) {
  const found = new Set();
  const result = await build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: project, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    external: ['@tensorflow/*'],
    plugins: [
      {
        name: 'node-builtins',
        setup(api) {
          api.onResolve({ filter: /.*/ }, (args) => {
            if (!nodeBuiltins.has(args.path) && !args.path.startsWith('node:')) return undefined;
            found.add(`${args.path} (from ${args.importer.replace(/^.*node_modules\//, '')})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  }).catch((error) => ({ errors: error.errors ?? [{ text: String(error) }] }));
  const errors = (result.errors ?? []).map((e) => e.text);
  return [...found, ...errors];
}

function typeCheckFiles(specifiers, project) {
  const dir = join(project, 'type-check');
  mkdirSync(dir, { recursive: true });
  const names = specifiers.map((_, i) => `entry${i}`);
  const esm = specifiers.map((s, i) => `import * as ${names[i]} from '${s}';`).join('\n');
  const cjs = specifiers.map((s, i) => `import ${names[i]} = require('${s}');`).join('\n');
  const use = `\nexport const entries: readonly object[] = [${names.join(', ')}];\n`;
  writeFileSync(join(dir, 'esm.mts'), esm + use);
  writeFileSync(join(dir, 'cjs.cts'), cjs + use);
  writeFileSync(join(dir, 'bundler.ts'), esm + use);
  const strict = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
  };
  const configs = {
    nodenext: { ...strict, module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { ...strict, module: 'esnext', moduleResolution: 'bundler' },
  };
  writeFileSync(
    join(dir, 'tsconfig.nodenext.json'),
    JSON.stringify({ compilerOptions: configs.nodenext, files: ['esm.mts', 'cjs.cts'] }, null, 2),
  );
  writeFileSync(
    join(dir, 'tsconfig.bundler.json'),
    JSON.stringify({ compilerOptions: configs.bundler, files: ['bundler.ts'] }, null, 2),
  );
  return dir;
}

async function checkVersion(version, packages, tarballs, results, keep) {
  const project = mkdtempSync(join(tmpdir(), `trainkit-packed-tfjs${version}-`));
  const record = (check, ok, detail = '', ms = 0) =>
    results.push({ version, check, ok, detail, ms });
  try {
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'trainkit-packed-check', private: true, type: 'module' }, null, 2),
    );
    const tfjs = ['tfjs', 'tfjs-core', 'tfjs-layers', 'tfjs-backend-cpu', 'tfjs-backend-wasm'].map(
      (name) => `@tensorflow/${name}@${version}`,
    );
    const install = await runCommand(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...tarballs,
        ...tfjs,
        ...optionalPeers(packages),
        '@types/node@20',
      ],
      { cwd: project, timeoutMs: 900_000 },
    );
    record(
      'install',
      install.code === 0,
      install.code === 0 ? '' : lastLines(install.output, 20),
      install.ms,
    );
    if (install.code !== 0) return;
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8'),
    ).version;
    if (installed !== version) {
      record('install', false, `@tensorflow/tfjs-core resolved to ${installed}, not ${version}`);
      return;
    }

    // a. The examples, as written, against the installed packages. Every file of an
    // examples/ directory is copied first (.ts transpiled to .mjs), as examples may load
    // their siblings (e.g. a search objective module); then each .ts example runs.
    const examplesDir = join(project, 'examples');
    const toRun = [];
    for (const { dir } of packages) {
      const sources = join(dir, 'examples');
      if (!existsSync(sources)) continue;
      for (const file of readdirSync(sources).sort()) {
        const label = `${relative(root, dir)}/examples/${file}`;
        const target = join(examplesDir, basename(dir), file.replace(/\.ts$/, '.mjs'));
        mkdirSync(dirname(target), { recursive: true });
        const source = readFileSync(join(sources, file), 'utf8');
        if (!file.endsWith('.ts')) {
          writeFileSync(target, source);
          continue;
        }
        const { code } = await transform(source, {
          loader: 'ts',
          format: 'esm',
          target: 'node20',
          sourcefile: label,
        });
        writeFileSync(target, code);
        toRun.push({ label, target });
      }
    }
    // Examples that use a queue get a redis-server of their own (REDIS_URL); without
    // redis-server they run without one (and say so themselves).
    const redis = await startRedis().catch(() => undefined);
    try {
      for (const { label, target } of toRun) {
        const scratch = mkdtempSync(join(project, 'run-'));
        const result = await runCommand(process.execPath, [target], {
          cwd: scratch,
          timeoutMs: exampleTimeoutMs,
          env: redis === undefined ? process.env : { ...process.env, REDIS_URL: redis.url },
        });
        record(
          `example ${label}`,
          result.code === 0,
          result.code === 0 ? '' : excerpt(result.output),
          result.ms,
        );
      }
    } finally {
      await redis?.stop();
    }

    // b. Every entry with ESM import and CJS require, each format in its own process.
    const specifiers = packages.flatMap(({ manifest }) => entrySpecifiers(manifest));
    const loader = (format) =>
      [
        `const results = {};`,
        `for (const specifier of ${JSON.stringify(specifiers)}) {`,
        `  try {`,
        format === 'esm'
          ? `    const loaded = await import(specifier);`
          : `    const loaded = require(specifier);`,
        `    results[specifier] = typeof loaded === 'object' && loaded !== null ? 'ok' : 'not a module object';`,
        `  } catch (error) { results[specifier] = String(error?.stack ?? error).split('\\n').slice(0, 3).join(' | '); }`,
        `}`,
        `console.log(JSON.stringify(results));`,
      ].join('\n');
    writeFileSync(join(project, 'load-esm.mjs'), `${loader('esm')}\n`);
    writeFileSync(join(project, 'load-cjs.cjs'), `(async () => {\n${loader('cjs')}\n})();\n`);
    for (const [format, file] of [
      ['ESM import', 'load-esm.mjs'],
      ['CJS require', 'load-cjs.cjs'],
    ]) {
      const result = await runCommand(process.execPath, [file], {
        cwd: project,
        timeoutMs: 300_000,
      });
      let loaded = {};
      try {
        loaded = JSON.parse(
          result.output
            .trim()
            .split('\n')
            .findLast((line) => line.startsWith('{')) ?? '{}',
        );
      } catch {
        loaded = {};
      }
      for (const specifier of specifiers) {
        const outcome = loaded[specifier] ?? `not reached: ${lastLines(result.output, 3)}`;
        record(`${format} ${specifier}`, outcome === 'ok', outcome === 'ok' ? '' : outcome);
      }
    }

    // c. Strict type-check of a file importing every entry, declaration files included
    // (skipLibCheck off). TensorFlow.js's own typings do not pass strict checking (e.g.
    // tfjs-layers' keras_format under strict property checks): errors located there are
    // counted but not ours to fix; any other error fails.
    const typeDir = typeCheckFiles(specifiers, project);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    for (const resolution of ['nodenext', 'bundler']) {
      const result = await runCommand(
        process.execPath,
        [tsc, '--pretty', 'false', '-p', join(typeDir, `tsconfig.${resolution}.json`)],
        { cwd: typeDir, timeoutMs: 300_000 },
      );
      const errors = result.output.split('\n').filter((line) => /error TS\d+/.test(line));
      const tfjsErrors = errors.filter((line) => line.includes('node_modules/@tensorflow/'));
      const ours = errors.filter((line) => !line.includes('node_modules/@tensorflow/'));
      const ok = ours.length === 0 && (result.code === 0 || errors.length > 0);
      record(
        `types (moduleResolution ${resolution}${resolution === 'nodenext' ? ', .mts and .cts' : ''}; ${tfjsErrors.length} errors inside @tensorflow typings ignored)`,
        ok,
        ok ? '' : ours.length > 0 ? ours.slice(0, 15).join('\n') : lastLines(result.output, 15),
        result.ms,
      );
    }

    // d. Every main entry bundled for the browser.
    for (const { manifest } of packages) {
      if (nodeMainEntries.has(manifest.name)) continue;
      const started = Date.now();
      const problems = await browserBuiltins(manifest.name, project);
      record(
        `browser bundle ${manifest.name}`,
        problems.length === 0,
        problems.join('; '),
        Date.now() - started,
      );
    }
  } finally {
    if (keep) console.log(`check-packed: kept ${project}`);
    else rmSync(project, { recursive: true, force: true });
  }
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const started = Date.now();
  const packages = publishedPackages();
  const packDir = mkdtempSync(join(tmpdir(), 'trainkit-tarballs-'));
  const results = [];
  try {
    const packStarted = Date.now();
    const tarballs = await pack(packages, packDir);
    console.log(
      `check-packed: packed ${tarballs.length} packages in ${seconds(Date.now() - packStarted)}: ${tarballs.map((t) => basename(t)).join(', ')}`,
    );
    for (const version of options.versions) {
      const versionStarted = Date.now();
      console.log(`check-packed: @tensorflow/tfjs ${version} ...`);
      await checkVersion(version, packages, tarballs, results, options.keep);
      console.log(
        `check-packed: @tensorflow/tfjs ${version} done in ${seconds(Date.now() - versionStarted)}`,
      );
    }
  } catch (error) {
    results.push({
      version: '-',
      check: 'pack',
      ok: false,
      detail: String(error?.stack ?? error),
      ms: 0,
    });
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }

  console.log('\ncheck-packed summary');
  for (const version of [...new Set(results.map((r) => r.version))]) {
    const rows = results.filter((r) => r.version === version);
    const groups = new Map();
    for (const row of rows) {
      const group =
        row.check.split(' ')[0] === 'ESM' || row.check.split(' ')[0] === 'CJS'
          ? row.check.split(' ').slice(0, 2).join(' ')
          : row.check.startsWith('browser')
            ? 'browser bundle'
            : row.check.split(' ')[0];
      const entry = groups.get(group) ?? { passed: 0, total: 0, ms: 0 };
      entry.total++;
      entry.ms += row.ms;
      if (row.ok) entry.passed++;
      groups.set(group, entry);
    }
    console.log(`\n@tensorflow/tfjs ${version}:`);
    for (const [group, { passed, total, ms }] of groups) {
      console.log(
        `  ${passed === total ? 'ok  ' : 'FAIL'} ${group.padEnd(16)} ${String(passed).padStart(3)}/${total}${ms > 0 ? `  (${seconds(ms)})` : ''}`,
      );
    }
    for (const row of rows.filter((r) => !r.ok)) {
      console.log(`  FAIL ${row.check}\n${row.detail.replace(/^/gm, '       ')}`);
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    `\ncheck-packed: ${results.length - failed}/${results.length} checks passed in ${seconds(Date.now() - started)}`,
  );
  process.exit(failed === 0 ? 0 : 1);
}

await main();
