// Issue 11, "The browser": each published package's main entry bundles for the browser
// without any Node built-in, and a bundle of several packages computes in headless Chromium
// exactly what the same program computes in Node.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../../chromium.shared.mjs';
import { type ProgramResult, runProgram } from './browser/program';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const workspace = here('../');
const packagesDir = here('../../../packages/');

interface PackageJson {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown>;
  readonly dependencies?: Record<string, string>;
}

const published = readdirSync(packagesDir)
  .map(
    (dir) =>
      JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson,
  )
  .filter((pkg) => !pkg.private);

/** SPEC: "the main entry of every package but backend bundles for the browser". */
const nodeMainEntries = new Set(['@trainkit/backend']);
/** Subpaths documented as Node-only besides `./node`. */
const nodeSubpaths = new Set(['@trainkit/backend/tfjs']);

const nodeBuiltins = new Set(
  builtinModules.flatMap((name) => [name, `node:${name}`, name.split('/')[0]!]),
);

/** Records every import of a Node built-in (and who imports it) instead of failing at the first. */
function nodeBuiltinRecorder(found: string[]): Plugin {
  return {
    name: 'node-builtins',
    setup(buildApi) {
      buildApi.onResolve({ filter: /.*/ }, (args) => {
        if (!nodeBuiltins.has(args.path) && !args.path.startsWith('node:')) return undefined;
        found.push(`${args.path} (imported by ${args.importer.replace(/^.*node_modules\//, '')})`);
        return { path: args.path, external: true };
      });
    },
  };
}

/** Bundles `import * from specifier` for the browser; returns the Node built-ins it reached. */
async function browserBundleBuiltins(specifier: string): Promise<string[]> {
  const found: string[] = [];
  const result = await build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: workspace, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    // TensorFlow.js packages are peers, installed by the user and made for browsers.
    external: ['@tensorflow/*'],
    plugins: [nodeBuiltinRecorder(found)],
  });
  expect(result.errors).toEqual([]);
  return [...new Set(found)].sort();
}

function subpaths(pkg: PackageJson): string[] {
  return Object.keys(pkg.exports ?? { '.': {} }).filter(
    (key) => key !== './package.json' && key !== './node',
  );
}

describe('browser bundles (esbuild, platform browser)', () => {
  it('this workspace depends on every published package, so turbo builds them first', () => {
    const own = JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8')) as PackageJson;
    const missing = published
      .map((pkg) => pkg.name)
      .filter((name) => !nodeMainEntries.has(name) && own.dependencies?.[name] === undefined);
    expect(missing, 'add them to internal/integration/package.json dependencies').toEqual([]);
    expect(published.length).toBeGreaterThanOrEqual(12);
  });

  for (const pkg of published) {
    for (const subpath of subpaths(pkg)) {
      const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      const nodeOnly = nodeMainEntries.has(specifier) || nodeSubpaths.has(specifier);
      it(`${specifier} ${nodeOnly ? 'is documented as Node-only' : 'has no Node built-in'}`, async () => {
        const builtins = await browserBundleBuiltins(specifier);
        if (nodeOnly) expect(builtins).not.toEqual([]);
        else expect(builtins).toEqual([]);
      });
    }
  }
});

describe('in headless Chromium', () => {
  it('a bundle of schedules, metrics, splits, stats and tensorboard computes what Node computes', async () => {
    const bundle = await build({
      entryPoints: [here('./browser/entry.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    expect(script).not.toMatch(/require\(["']node:/);

    const profile = mkdtempSync(join(tmpdir(), 'trainkit-chromium-'));
    const context = await launchChromium(profile);
    let inBrowser: { result?: ProgramResult; error?: string; process: string };
    try {
      const page = await context.newPage();
      await page.setContent('<!doctype html><title>trainkit</title>');
      await page.addScriptTag({ content: script });
      await page.waitForFunction(
        () => 'trainkitResult' in globalThis || 'trainkitError' in globalThis,
        undefined,
        { timeout: 30_000 },
      );
      inBrowser = await page.evaluate(() => {
        const g = globalThis as { trainkitResult?: ProgramResult; trainkitError?: string };
        return {
          result: g.trainkitResult,
          error: g.trainkitError,
          process: typeof (globalThis as { process?: unknown }).process,
        };
      });
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
    expect(inBrowser.error).toBeUndefined();
    expect(inBrowser.process).toBe('undefined'); // really not Node

    const inNode = JSON.parse(JSON.stringify(await runProgram())) as ProgramResult;
    const { schedule, oneCycle, ...exact } = inBrowser.result!;
    const { schedule: nodeSchedule, oneCycle: nodeOneCycle, ...nodeExact } = inNode;
    // Everything but transcendental functions is bit for bit the same.
    expect(exact).toEqual(nodeExact);
    // Math.cos is not required to be correctly rounded: Chromium's V8 and Node 20's differ
    // by 1 ulp on some inputs (seen in oneCycle). Allow 4 ulps.
    for (const [browser, node] of [
      [schedule, nodeSchedule],
      [oneCycle, nodeOneCycle],
    ] as const) {
      expect(browser).toHaveLength(node.length);
      browser.forEach((value, i) => {
        expect(Math.abs(value - node[i]!)).toBeLessThanOrEqual(
          4 * Number.EPSILON * Math.abs(node[i]!),
        );
      });
    }

    // And the values are the right ones, not just equal.
    const result = inBrowser.result!;
    expect(result.schedule[0]).toBe(0.1);
    expect(result.schedule[10]).toBeCloseTo(0.001, 15); // alpha * initialValue past decaySteps
    expect(result.accuracy).toBe(0.7); // 7 of 10 pairs agree
    expect(result.report).toMatch(/^\s+precision\s+recall\s+f1-score\s+support/);
    expect(result.report).toContain('accuracy');
    expect(result.folds.map((fold) => fold.length)).toEqual([4, 3, 3]);
    expect(result.folds.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.random.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(result.eventFile.files).toEqual([
      'runs/browser/train/events.out.tfevents.1700000000.host.1.0',
    ]);
    expect(result.scalars).toEqual([
      ['loss', [0, 1, 2, 3, 4].map((step) => [step, Math.fround(1 / (step + 1))])],
    ]);
    expect(result.histogramTags).toEqual(['weights']);
  });
});
