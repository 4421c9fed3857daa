/**
 * A report as data (sections of blocks: text, tables, figures, preformatted
 * text, lists, image grids), rendered two ways: one standalone HTML page
 * (every figure inline: SVG markup or PNG data URIs; no script, no external
 * resource) and Markdown (figures as files beside it).
 */

/** How a table cell or a step is doing (sanity's statuses). */
export type Status = 'pass' | 'warn' | 'fail' | 'skipped';

/** A table cell: text, or text with a status colour. */
export type Cell = string | { readonly text: string; readonly status: Status };

/** A figure: an SVG document or a PNG image, saved as `file` for the Markdown. */
export interface Figure {
  /** File name under the figures folder, e.g. `curves.svg`. */
  readonly file: string;
  /** Alternative text and caption. */
  readonly title: string;
  readonly svg?: string;
  readonly png?: Uint8Array;
  /** Displayed width in CSS pixels (PNG images; SVGs carry their own size). */
  readonly width?: number;
  /** A shorter caption than `title` (which stays the alternative text and tooltip). */
  readonly caption?: string;
}

/** One piece of a section. */
export type Block =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly head: readonly string[];
      readonly rows: readonly (readonly Cell[])[];
    }
  | { readonly kind: 'figures'; readonly figures: readonly Figure[] }
  | { readonly kind: 'pre'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'gallery'; readonly figures: readonly Figure[] };

/** A section of the report. */
export interface Section {
  /** Stable id (the HTML anchor, and what tests look for). */
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** A section that is not in the report, and why (one line). */
export interface OmittedSection {
  readonly id: string;
  readonly title: string;
  readonly note: string;
}

/** A whole report. */
export interface ReportDocument {
  readonly title: string;
  /** One line under the title. */
  readonly subtitle: string;
  /** Sections and omissions in page order. */
  readonly parts: readonly (Section | OmittedSection)[];
}

/** Whether a part is an omitted section. */
export function isOmitted(part: Section | OmittedSection): part is OmittedSection {
  return 'note' in part;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const statusColors: Record<Status, string> = {
  pass: '#1a7f37',
  warn: '#9a6700',
  fail: '#cf222e',
  skipped: '#6e7781',
};

const style = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2328;
  font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 64px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0 0 16px; color: #57606a; }
nav { margin: 0 0 20px; display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 13px; }
nav a { color: #0969da; text-decoration: none; }
section { background: #ffffff; border: 1px solid #d0d7de; border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
section h2 { margin: 0 0 10px; font-size: 19px; }
p { margin: 6px 0; }
p.omitted { color: #57606a; font-style: italic; margin: 0 0 10px 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.status { font-weight: 600; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px; overflow-x: auto;
  font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
ul { margin: 6px 0; padding-left: 22px; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 8px 0; display: table; }
figure svg { display: block; height: auto; max-width: 100%; }
figcaption { display: table-caption; caption-side: bottom; font-size: 12px; color: #57606a; margin-top: 4px; }
.gallery { display: flex; flex-wrap: wrap; gap: 10px; }
.gallery figure { margin: 0; width: 96px; text-align: center; }
.gallery img { image-rendering: pixelated; border: 1px solid #d0d7de; background: #ffffff; }
.gallery figcaption { font-size: 11px; max-width: none; }
`;

function cellHtml(cell: Cell, header = false): string {
  const tag = header ? 'th' : 'td';
  if (typeof cell === 'string') return `<${tag}>${escapeHtml(cell)}</${tag}>`;
  return `<${tag} class="status" style="color:${statusColors[cell.status]}">${escapeHtml(cell.text)}</${tag}>`;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function figureHtml(figure: Figure): string {
  const body =
    figure.svg !== undefined
      ? figure.svg.trim()
      : `<img src="data:image/png;base64,${base64(figure.png ?? new Uint8Array())}" alt="${escapeHtml(figure.title)}" title="${escapeHtml(figure.title)}"${figure.width === undefined ? '' : ` width="${figure.width}" height="${figure.width}"`}>`;
  return `<figure data-figure="${escapeHtml(figure.file)}">${body}<figcaption>${escapeHtml(figure.caption ?? figure.title)}</figcaption></figure>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'text':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'pre':
      return `<pre>${escapeHtml(block.text)}</pre>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'table':
      return `<table><thead><tr>${block.head.map((h) => cellHtml(h, true)).join('')}</tr></thead><tbody>${block.rows
        .map((row) => `<tr>${row.map((cell) => cellHtml(cell)).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'figures':
      return `<div class="figures">${block.figures.map(figureHtml).join('')}</div>`;
    case 'gallery':
      return `<div class="gallery">${block.figures.map(figureHtml).join('')}</div>`;
  }
}

/**
 * The report as one standalone HTML page: inline CSS, inline SVG, PNGs as
 * data URIs, no script and no external resource (it opens offline, from a
 * file, in any browser).
 */
export function renderHtml(document: ReportDocument): string {
  const sections = document.parts.filter((part): part is Section => !isOmitted(part));
  const body = document.parts
    .map((part) =>
      isOmitted(part)
        ? `<p class="omitted" data-omitted="${escapeHtml(part.id)}">${escapeHtml(part.title)}: ${escapeHtml(part.note)}</p>`
        : `<section id="${escapeHtml(part.id)}"><h2>${escapeHtml(part.title)}</h2>${part.blocks.map(blockHtml).join('\n')}</section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(document.title)}</title>
<style>${style}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(document.title)}</h1><p>${escapeHtml(document.subtitle)}</p></header>
<nav>${sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('')}</nav>
${body}
</main>
</body>
</html>
`;
}

function markdownCell(cell: Cell): string {
  const text = typeof cell === 'string' ? cell : `**${cell.text}**`;
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function blockMarkdown(block: Block, figuresFolder: string): string {
  const link = (figure: Figure) =>
    `![${figure.title.replace(/[[\]]/g, '')}](${figuresFolder}/${figure.file})`;
  switch (block.kind) {
    case 'text':
      return block.text;
    case 'pre':
      return `\`\`\`text\n${block.text}\n\`\`\``;
    case 'list':
      return block.items.map((item) => `- ${item}`).join('\n');
    case 'table':
      return [
        `| ${block.head.map(markdownCell).join(' | ')} |`,
        `| ${block.head.map(() => '---').join(' | ')} |`,
        ...block.rows.map((row) => `| ${row.map(markdownCell).join(' | ')} |`),
      ].join('\n');
    case 'figures':
      return block.figures.map(link).join('\n\n');
    case 'gallery':
      return block.figures.map(link).join(' ');
  }
}

/** The report as Markdown; figures are linked as `<figuresFolder>/<file>`. */
export function renderMarkdown(document: ReportDocument, figuresFolder: string): string {
  const out = [`# ${document.title}`, '', document.subtitle, ''];
  for (const part of document.parts) {
    if (isOmitted(part)) {
      out.push(`_${part.title}: ${part.note}_`, '');
      continue;
    }
    out.push(`## ${part.title}`, '');
    for (const block of part.blocks) out.push(blockMarkdown(block, figuresFolder), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Every figure of a document, in order. */
export function documentFigures(document: ReportDocument): Figure[] {
  const figures: Figure[] = [];
  for (const part of document.parts) {
    if (isOmitted(part)) continue;
    for (const block of part.blocks) {
      if (block.kind === 'figures' || block.kind === 'gallery') figures.push(...block.figures);
    }
  }
  return figures;
}
