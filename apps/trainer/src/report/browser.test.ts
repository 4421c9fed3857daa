/// <reference lib="dom" />
// The report page in a real headless Chromium (Debian's /usr/bin/chromium via
// playwright-core, a fresh profile): a short MNIST run's report as `train`
// writes it, and a synthetic run with every artifact kind. No console error,
// no network request, every figure drawn and sized; screenshots are kept in
// apps/trainer/test-artifacts/ (git-ignored).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from '../../../../chromium.shared.mjs';
import { quickTrainArgs, runCli } from '../test-helpers/cli-process';
import { reportSections } from './sections';
import { writeSyntheticRun } from './synthetic-run';
import { writeReport } from './write-report';

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

let work: string;
let context: BrowserContext;
beforeAll(async () => {
  expect(existsSync(chromiumPath), `${chromiumPath} (Debian package chromium) is needed`).toBe(
    true,
  );
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-report-browser-'));
  await mkdir(artifacts, { recursive: true });
  context = await launchChromium(path.join(work, 'profile'), {
    viewport: { width: 1200, height: 900 },
  });
});
afterAll(async () => {
  await context?.close();
  await rm(work, { recursive: true, force: true });
});

interface FigureCheck {
  readonly file: string;
  readonly kind: 'svg' | 'img';
  readonly width: number;
  readonly height: number;
  /** SVG: the content's bounding box (getBBox); image: its natural size. */
  readonly contentWidth: number;
  readonly contentHeight: number;
  /** SVG: drawn elements (path, rect, circle, text) with a non-empty box. */
  readonly drawn: number;
}

/** Loads a report page and returns what the browser saw. */
async function load(file: string, screenshot: string) {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  page.on('request', (request) => requests.push(request.url()));
  // Anything but the page itself (and inline data) would be a network request: refuse it.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    return url === pathToFileURL(file).href || url.startsWith('data:')
      ? route.continue()
      : route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const figures: FigureCheck[] = await page.evaluate(() =>
    Array.from(document.querySelectorAll('figure')).map((figure) => {
      const svg = figure.querySelector(':scope > svg') as SVGSVGElement | null;
      const img = figure.querySelector(':scope > img') as HTMLImageElement | null;
      const box = (svg ?? img)?.getBoundingClientRect();
      const file = figure.getAttribute('data-figure') ?? '';
      if (svg !== null) {
        const content = svg.getBBox();
        const drawn = Array.from(svg.querySelectorAll('path, rect, circle, text')).filter(
          (element) => {
            const b = (element as SVGGraphicsElement).getBBox();
            return b.width > 0 || b.height > 0;
          },
        ).length;
        return {
          file,
          kind: 'svg' as const,
          width: box!.width,
          height: box!.height,
          contentWidth: content.width,
          contentHeight: content.height,
          drawn,
        };
      }
      return {
        file,
        kind: 'img' as const,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        contentWidth: img?.complete ? img.naturalWidth : 0,
        contentHeight: img?.complete ? img.naturalHeight : 0,
        drawn: img === null ? 0 : 1,
      };
    }),
  );
  const sections = await page.evaluate(() =>
    Array.from(document.querySelectorAll('section')).map((s) => s.id),
  );
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { errors, requests, figures, sections };
}

function expectEveryFigureDrawn(figures: readonly FigureCheck[]): void {
  for (const figure of figures) {
    const what = `${figure.file}: ${JSON.stringify(figure)}`;
    if (figure.kind === 'svg') {
      expect(figure.width, what).toBeGreaterThan(150);
      expect(figure.height, what).toBeGreaterThan(100);
      // The content fills most of the figure (not an empty frame) and draws many elements.
      expect(figure.contentWidth, what).toBeGreaterThan(0.5 * figure.width);
      expect(figure.contentHeight, what).toBeGreaterThan(0.5 * figure.height);
      expect(figure.drawn, what).toBeGreaterThan(10);
    } else {
      expect([figure.contentWidth, figure.contentHeight], what).toEqual([28, 28]);
      expect([figure.width, figure.height], what).toEqual([56, 56]);
    }
  }
}

describe('the report in headless Chromium', () => {
  it("loads a real MNIST run's report (written by train) with no console error, no request, every figure drawn", async () => {
    const run = await runCli(['train', ...quickTrainArgs, '--name', 'mnist'], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'Report page: runs/mnist/report.html (Markdown: runs/mnist/report.md; trainkit report mnist rewrites it)',
    );
    const file = path.join(work, 'runs', 'mnist', 'report.html');
    const screenshot = path.join(artifacts, 'report-mnist.png');
    const seen = await load(file, screenshot);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([pathToFileURL(file).href]);
    expect(seen.sections).toEqual([
      'configuration',
      'result',
      'learning-curves',
      'schedule',
      'confusion-matrix',
      'classification-report',
      'bias-variance',
      'misclassified',
      'timings',
    ]);
    // learning curves, schedule, two confusion matrices, 24 digits, timings.
    expect(seen.figures.map((f) => f.kind)).toEqual([
      ...new Array(4).fill('svg'),
      ...new Array(24).fill('img'),
      'svg',
    ]);
    expectEveryFigureDrawn(seen.figures);
    expect((await readdir(path.join(work, 'runs', 'mnist', 'report-figures'))).length).toBe(
      seen.figures.length,
    );
    expect((await stat(screenshot)).size).toBeGreaterThan(50_000);
  });

  it('loads the report of a run with every artifact kind: all sections, every figure drawn', async () => {
    const dir = path.join(work, 'runs', 'synthetic');
    await writeSyntheticRun(dir);
    const written = await writeReport(dir, { humanError: 0.002 });
    const screenshot = path.join(artifacts, 'report-every-section.png');
    const seen = await load(written.html, screenshot);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([pathToFileURL(written.html).href]);
    expect(seen.sections).toEqual(reportSections.map(([id]) => id));
    expect(seen.figures.map((f) => f.file)).toEqual([
      'learning-curves.svg',
      'lr-finder.svg',
      'schedule.svg',
      'confusion-matrix.svg',
      'confusion-matrix-normalized.svg',
      'mistake-01.png',
      'mistake-02.png',
      'mistake-03.png',
      'timings.svg',
      'search-parallel-coordinates.svg',
    ]);
    expectEveryFigureDrawn(seen.figures);
    expect((await stat(screenshot)).size).toBeGreaterThan(50_000);
  });
});
