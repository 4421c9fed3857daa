import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { biasVariance, diagnose } from '@trainkit/curves';
import { classificationReport, confusionMatrix } from '@trainkit/metrics';
import { analyzeRangeTest, rangeTestSvg } from '@trainkit/sanity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfiguration, readHistory, writeHistory } from '../artifacts';
import { escapeHtml } from './document';
import { crc32, formatMetric, greyPng } from './figures';
import { reportSections, shorten } from './sections';
import { classNames, rangeCurve, writeSyntheticRun } from './synthetic-run';
import { writeReport } from './write-report';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-report-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The HTML of one section (between its opening tag and the next section). */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

/** The figures of a section: `data-figure` name and inner markup. */
function figures(html: string): { file: string; body: string }[] {
  return [...html.matchAll(/<figure data-figure="([^"]+)">(.*?)<figcaption>/gs)].map((m) => ({
    file: m[1]!,
    body: m[2]!,
  }));
}

/** Decodes an 8-bit greyscale PNG without interlacing whose rows use filter 0 (what greyPng writes). */
function decodeGreyPng(bytes: Uint8Array): { width: number; height: number; pixels: number[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(Array.from(bytes.subarray(0, 8))).toEqual([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
  ]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Uint8Array[] = [];
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length)).toBe(
      zlibCrc32(bytes.subarray(offset + 4, offset + 8 + length)),
    );
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      expect([body[8], body[9]]).toEqual([8, 0]);
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const pixels: number[] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width + 1)]).toBe(0);
    pixels.push(...raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)));
  }
  return { width, height, pixels };
}

describe('writeReport on a run with every artifact', () => {
  let dir: string;
  let html: string;
  let markdown: string;
  let written: Awaited<ReturnType<typeof writeReport>>;
  beforeAll(async () => {
    dir = path.join(work, 'every');
    await writeSyntheticRun(dir, { name: 'every' });
    written = await writeReport(dir, { humanError: 0.005 });
    html = await readFile(written.html, 'utf8');
    markdown = await readFile(written.markdown, 'utf8');
  });

  it('holds every section, in order, and omits none', () => {
    expect(written.sections).toEqual(reportSections.map(([id]) => id));
    expect(written.omitted).toEqual([]);
    expect(written.errors).toEqual([]);
    const order = [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    expect(order).toEqual(reportSections.map(([id]) => id));
    for (const [, title] of reportSections) expect(markdown).toContain(`\n## ${title}\n`);
  });

  it('is standalone: no script, no external resource, every figure inline', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|@import|javascript:/i);
    // The only URL is the SVG namespace (an identifier, never fetched).
    for (const url of html.matchAll(/https?:\/\/[^\s"')]+/g))
      expect(url[0]).toBe('http://www.w3.org/2000/svg');
    for (const attribute of html.matchAll(/\b(?:src|href)="([^"]*)"/g))
      expect(attribute[1]).toMatch(/^(#|data:image\/png;base64,)/);
    for (const url of html.matchAll(/url\(([^)]*)\)/g)) expect(url[1]).toMatch(/^#/);
    expect(html).toContain(
      "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"",
    );
  });

  it('writes the Markdown figures beside it, one file per figure of the page', async () => {
    const files = (await readdir(path.join(dir, 'report-figures'))).sort();
    const pageFigures = [...html.matchAll(/<figure data-figure="([^"]+)">/g)]
      .map((m) => m[1]!)
      .sort();
    expect(files).toEqual(pageFigures);
    const links = [...markdown.matchAll(/!\[[^\]]*\]\(report-figures\/([^)]+)\)/g)]
      .map((m) => m[1]!)
      .sort();
    expect(links).toEqual(files);
    // The SVG files are the page's inline SVGs.
    const curves = await readFile(path.join(dir, 'report-figures', 'learning-curves.svg'), 'utf8');
    expect(html).toContain(curves.trim());
  });

  it('shows the configuration, the result and the recipe steps with their values', async () => {
    const configuration = section(html, 'configuration');
    expect(configuration).toContain('Command: trainkit recipe.');
    const cells = [...configuration.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    const settings = new Map<string, string>();
    for (let i = 0; i + 1 < cells.length; i += 2)
      if (cells[i] !== '') settings.set(cells[i]!, cells[i + 1]!);
    expect(settings.get('learningRate')).toBe('0.003');
    expect(settings.get('budget')).toBe('quick');
    expect(settings.get('clipNorm')).toBe('—');
    expect(settings.size).toBe(Object.keys((await readConfiguration(dir))!.settings).length);
    expect(configuration.match(/<tr>/g)).toHaveLength(1 + Math.ceil(settings.size / 3)); // head, then three settings per row
    const result = section(html, 'result');
    expect(result).toContain('<td>98.00% at epoch 3 (update 300)</td>');
    expect(result).toContain('<tr><td>test accuracy</td><td>97.50%</td></tr>');
    expect(result).toContain(
      '<tr><td>training-split accuracy (1000 images)</td><td>99.00%</td></tr>',
    );
    const recipe = section(html, 'recipe');
    expect(
      [...recipe.matchAll(/<tr><td>(\d)<\/td><td>([^<]+)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`),
    ).toEqual([
      '1 Data and leakage checks',
      '2 Initial loss',
      '3 Learning-rate finder',
      '4 Final training',
    ]);
    expect(recipe).toContain('>warn</td><td>initial loss 2.9 vs 2.303</td>');
    expect(recipe).toContain('<li>Scale the last layer down.</li>');
    expect(section(html, 'sanity')).toContain(
      'Overall fail: 1 passed, 1 warnings, 1 failed, 1 skipped.',
    );
  });

  it('draws the learning curves on a log scale (the loss spans decades) with dots on the sparse series, and the diagnosis', async () => {
    const curves = section(html, 'learning-curves');
    expect(curves).toContain('loss (log scale)');
    const dots = [
      ...curves.matchAll(/<g class="markers"[^>]*><title>([^<]+)<\/title>(.*?)<\/g>/g),
    ].map((m) => [m[1], (m[2]!.match(/<circle /g) ?? []).length]);
    expect(dots).toEqual([
      ['train', 30],
      ['validation', 6],
    ]);
    const history = (await readHistory(dir))!;
    const kinds = diagnose(history).verdicts.map((v) => v.kind);
    expect(kinds.length).toBeGreaterThan(0);
    expect(
      [...curves.matchAll(/<tr><td>([a-z-]+)<\/td><td class="status"/g)].map((m) => m[1]),
    ).toEqual(kinds);
  });

  it("shows sanity's range-test plot, the suggestions and the discrete test", () => {
    const finder = section(html, 'lr-finder');
    const analysis = analyzeRangeTest({ ...rangeCurve(), iterations: 80 });
    expect(finder).toContain(rangeTestSvg(analysis, { title: 'Learning-rate range test' }).trim());
    expect(finder).toContain(
      `<tr><td>fastai valley</td><td>${formatMetric(analysis.peers.valley!.learningRate)}</td></tr>`,
    );
    // The terminal's words (drops / flat / diverged), coloured as pass / warn / fail.
    expect(
      [...finder.matchAll(/<td class="status" style="color:([^"]+)">(\w+)<\/td>/g)].map((m) => [
        m[2],
        m[1],
      ]),
    ).toEqual([
      ['drops', '#1a7f37'],
      ['drops', '#1a7f37'],
      ['diverged', '#cf222e'],
    ]);
    expect(finder).toContain('Applied to the configuration: --lr 0.003.');
  });

  it('draws the confusion matrix as counts and row-normalized, with titles and colour scales', async () => {
    const { labels, predictions } = await writeSyntheticRun(path.join(work, 'again'));
    const matrix = confusionMatrix(labels, predictions, { numClasses: 10 });
    const [counts, normalized] = figures(section(html, 'confusion-matrix'));
    const values = (svg: string) =>
      [...svg.matchAll(/data-value="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(values(counts!.body)).toEqual(Array.from(matrix.counts));
    const rows = values(normalized!.body);
    for (let r = 0; r < 10; r++) {
      expect(rows.slice(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    expect(rows[0]).toBeCloseTo(0.95, 12); // class 0: 5 of 100 predicted as 1
    expect(counts!.body).toContain('>test set: counts</text>');
    expect(normalized!.body).toContain('>test set: row-normalized</text>');
    expect(counts!.body).toContain('class="color-scale"');
    expect(normalized!.body).toContain('class="color-scale"');
    const report = section(html, 'classification-report');
    expect(report).toContain(
      `<pre>${escapeHtml(classificationReport(matrix, { classNames, digits: 4 }))}</pre>`,
    );
  });

  it('analyses bias and variance from the training, validation and test errors and the human error given', () => {
    const analysis = section(html, 'bias-variance');
    expect(
      [...analysis.matchAll(/<tr><td>([^<]+)<\/td><td>([\d.]+%)<\/td><\/tr>/g)].map(
        (m) => `${m[1]}: ${m[2]}`,
      ),
    ).toEqual([
      'human-level error (Bayes proxy): 0.50%',
      'training error: 1.00%',
      'validation (dev) error: 2.00%',
      'test error: 2.50%',
    ]);
    expect(analysis).toContain(
      '<tr><td>avoidable bias (training - human)</td><td>0.50 points</td></tr>',
    );
    expect(analysis).toContain(
      '<tr><td>variance (validation - training)</td><td>1.00 points</td></tr>',
    );
    expect(analysis).toContain(
      '<tr><td>overfitting of the validation set (test - validation)</td><td>0.50 points</td></tr>',
    );
    const expected = biasVariance({
      humanError: 0.5,
      trainingError: 1,
      devError: 2,
      testError: 2.5,
    });
    expect(expected.focus).toBe('variance');
    expect(analysis).toContain(`Focus: variance. ${escapeHtml(expected.advice)}`);
  });

  it('draws the misclassified digits as PNGs with truth and prediction', () => {
    const gallery = section(html, 'misclassified');
    const images = [
      ...gallery.matchAll(/<img src="data:image\/png;base64,([^"]+)" alt="([^"]+)"/g),
    ];
    expect(images.map((m) => escapeHtml(m[2]!))).toHaveLength(3);
    expect(images[1]![2]).toBe('#100: true 1, predicted 2 (2 91.0%, 0 1.0%, 1 1.0%)');
    expect(gallery).toContain('<figcaption>1 → 2 (91.0%)</figcaption>');
    const decoded = decodeGreyPng(Buffer.from(images[1]![1]!, 'base64'));
    expect([decoded.width, decoded.height]).toEqual([28, 28]);
    // Dark ink on white: 255 minus MNIST's grey levels.
    expect(decoded.pixels).toEqual(
      Array.from({ length: 784 }, (_, p) => 255 - ((p * 7 + 13) % 256)),
    );
  });

  it('shows the per-phase timings, the search with its parallel coordinates, and the cross-validation', () => {
    const timings = section(html, 'timings');
    // 18 iterations after warm-up: data 1 ms, step 3 ms, evaluation 10 ms in 2 of them (20/18 ms).
    expect(timings).toContain('<tr><td>data</td><td>1.00</td><td>1.00</td>');
    expect(timings).toContain('<tr><td>evaluation</td><td>1.11</td><td>0.00</td>');
    const search = section(html, 'search');
    const ranks = [
      ...search.matchAll(
        /<tr><td>(\d)<\/td><td>(\d)<\/td><td>\d<\/td><td[^>]*>[^<]+<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td>/g,
      ),
    ].map((m) => [Number(m[1]), m[3], m[4], m[5]]);
    expect(ranks[0]).toEqual([1, '0.99', '0.01', '32']);
    expect(ranks).toHaveLength(6);
    // The model is the same in every trial: one line, no column, no axis.
    expect(search).toContain('<p>The same in every trial: model mlp.</p>');
    expect(search).toContain(
      'Best: trial 2, validation accuracy 0.99 with learningRate 0.01, batchSize 32.',
    );
    expect(search).not.toContain('<th>model</th>');
    // The step column is the trial's last reported epoch (trials report once per epoch), not updates.
    expect(search).toContain('<th>last reported epoch</th>');
    expect(search).not.toContain('<th>updates</th>');
    const [parallel] = figures(search);
    expect(parallel!.file).toBe('search-parallel-coordinates.svg');
    const lines = [
      ...parallel!.body.matchAll(
        /<path d="M[^"]+" stroke="(#[0-9a-f]{6})" stroke-width="([\d.]+)"/g,
      ),
    ];
    expect(lines).toHaveLength(6);
    expect(lines.filter((l) => l[1] === '#d62728' && l[2] === '3.5')).toHaveLength(1);
    expect(parallel!.body).toContain('(log scale)'); // learning rates span 1e-4..1
    expect(
      [...parallel!.body.matchAll(/font-weight="600" fill="#222222">([^<]+)<\/text>/g)].map(
        (m) => m[1],
      ),
    ).toEqual([
      'hyperparameters against validation accuracy',
      'learningRate',
      'batchSize',
      'validation accuracy',
    ]);
    expect(section(html, 'cross-validation')).toContain('validation accuracy 98.00% ± 1.00%');
  });
});

describe('writeReport with missing or damaged artifacts', () => {
  it('omits each section without its artifacts with a one-line note naming the file', async () => {
    const dir = path.join(work, 'curves-only');
    await mkdir(dir);
    const full = path.join(work, 'source');
    await writeSyntheticRun(full);
    await writeHistory(dir, (await readHistory(full))!);
    const written = await writeReport(dir);
    expect(written.sections).toEqual(['learning-curves']);
    expect(Object.fromEntries(written.omitted.map((o) => [o.id, o.note]))).toEqual({
      configuration:
        'not in this run (no options.json; every command writes it when a run starts).',
      result: 'not in this run (no result.json; train writes it when a run completes).',
      recipe: 'not in this run (no recipe.json; trainkit recipe writes it).',
      sanity: 'not in this run (no sanity.json; trainkit sanity (or recipe) writes it).',
      'lr-finder': 'not in this run (no lr-finder.json; trainkit lr-find (or recipe) writes it).',
      schedule: 'not in this run (no schedule.json; train writes it when a run starts).',
      'confusion-matrix':
        'not in this run (no evaluation.json; train writes it after the final test evaluation).',
      'classification-report':
        'not in this run (no evaluation.json; train writes it after the final test evaluation).',
      'bias-variance': 'not in this run (no result.json; train writes it when a run completes).',
      misclassified:
        'not in this run (no misclassified.json; train writes it after the final test evaluation).',
      timings: 'not in this run (no profile.json; train writes it).',
      search: 'not in this run (no search.json; trainkit search (or recipe) writes it).',
      'cross-validation':
        'not in this run (no cross-validation.json; trainkit recipe --cv K writes it).',
    });
    const html = await readFile(written.html, 'utf8');
    expect(html.match(/<p class="omitted"/g)).toHaveLength(13);
    expect(html).toContain(
      '<p class="omitted" data-omitted="search">Hyperparameter search: not in this run',
    );
    expect(await readFile(written.markdown, 'utf8')).toContain(
      '_Timings per phase: not in this run (no profile.json; train writes it)._',
    );
    expect(await readdir(path.join(dir, 'report-figures'))).toEqual(['learning-curves.svg']);
  });

  it('names a damaged artifact in its sections and still shows the rest', async () => {
    const dir = path.join(work, 'damaged');
    await writeSyntheticRun(dir);
    await writeFile(
      path.join(dir, 'evaluation.json'),
      '{"format":"trainkit.trainer.evaluation","version":1,',
    );
    // A stale figure from an earlier report is not left behind.
    await mkdir(path.join(dir, 'report-figures'));
    await writeFile(path.join(dir, 'report-figures', 'old.svg'), '<svg/>');
    const written = await writeReport(dir);
    expect(written.errors.map((e) => [e.file, e.problem])).toEqual([
      [path.join(dir, 'evaluation.json'), 'not-json'],
    ]);
    const notes = Object.fromEntries(written.omitted.map((o) => [o.id, o.note]));
    expect(Object.keys(notes)).toEqual(['confusion-matrix', 'classification-report']);
    expect(notes['confusion-matrix']).toMatch(
      /^evaluation\.json could not be read: .*evaluation\.json: is not valid JSON/,
    );
    expect(written.sections).toHaveLength(12);
    expect(await readdir(path.join(dir, 'report-figures'))).not.toContain('old.svg');
  });

  it('says so when the human error is not given (the avoidable bias is an upper bound)', async () => {
    const dir = path.join(work, 'no-human');
    await writeSyntheticRun(dir);
    const html = await readFile((await writeReport(dir)).html, 'utf8');
    expect(section(html, 'bias-variance')).toContain(
      'not given (0 used: the avoidable bias is an upper bound; pass --human-error)',
    );
    expect(section(html, 'bias-variance')).toContain(
      '<tr><td>avoidable bias (training - human)</td><td>1.00 points</td></tr>',
    );
  });
});

describe('the PNG encoder', () => {
  it('matches zlib’s CRC-32 and round-trips grey levels', () => {
    const bytes = new Uint8Array([1, 2, 3, 250, 0, 77]);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    const pixels = Array.from({ length: 12 }, (_, i) => i * 20);
    expect(decodeGreyPng(greyPng(pixels, 4, 3))).toEqual({ width: 4, height: 3, pixels });
  });
});

describe('formatMetric', () => {
  it('prints 4 significant digits, exponents below 1e-3 and from 1e6, a dash for nothing', () => {
    expect(
      [0.0004552, 0.002, 0.98765, 12345.67, 2e6, 0, undefined, null, Number.NaN].map(formatMetric),
    ).toEqual(['4.55e-4', '0.002', '0.9877', '12350', '2.00e6', '0', '—', '—', 'NaN']);
  });
});

describe('shorten', () => {
  it('keeps short text and cuts long text at a word boundary with an ellipsis', () => {
    expect(shorten('grid point 3 of 6', 140)).toBe('grid point 3 of 6');
    expect(shorten('refined around trial 0 (rank 1 of 1)', 20)).toBe('refined around trial…');
    expect(shorten('abcdefghijklmnopqrstuvwxyz', 10)).toBe('abcdefghij…');
  });
});
