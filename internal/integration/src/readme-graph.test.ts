// The root README's package table and dependency graph say what each package depends on;
// both must equal the `dependencies` of the packages' package.json files.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** Short name (without `@trainkit/`) -> its trainkit dependencies' short names, sorted. */
function manifests(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of readdirSync(path.join(root, 'packages'))) {
    const manifest = JSON.parse(
      readFileSync(path.join(root, 'packages', folder, 'package.json'), 'utf8'),
    ) as { name: string; private?: boolean; dependencies?: Record<string, string> };
    if (manifest.private === true) continue;
    graph.set(
      manifest.name.replace('@trainkit/', ''),
      Object.keys(manifest.dependencies ?? {})
        .filter((name) => name.startsWith('@trainkit/'))
        .map((name) => name.replace('@trainkit/', ''))
        .sort(),
    );
  }
  return graph;
}

/** The table's rows: package -> the "depends on (trainkit)" column. */
function tableRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const match of readme.matchAll(/^\| \[`@trainkit\/([a-z-]+)`\]\([^)]*\) \|.*$/gm)) {
    const cells = match[0].split('|').map((cell) => cell.trim());
    // | name | what | depends on | status |  -> ['', name, what, depends, status, '']
    const depends = cells[cells.length - 3]!;
    rows.set(
      match[1]!,
      depends === 'none'
        ? []
        : depends
            .split(',')
            .map((name) => name.trim())
            .sort(),
    );
  }
  return rows;
}

/** The tree under "The same graph": each package depends on its ancestors, plus "also X". */
function treeEdges(): Map<string, string[]> {
  const block = /The same graph[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README: no graph block after "The same graph"');
  const edges = new Map<string, string[]>();
  const stack: string[] = [];
  for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
    const match = /^((?:│ {3}| {4})*)(?:[├└]── )?([a-z-]+)(?:.*?── also ([a-z-, ]+))?/.exec(line);
    if (match === null) throw new Error(`README graph: cannot read ${JSON.stringify(line)}`);
    const depth = line.startsWith('core') ? 0 : match[1]!.length / 4 + 1;
    stack.length = depth;
    const name = match[2]!;
    const also = match[3]?.split(',').map((n) => n.trim().split(' ')[0]!) ?? [];
    edges.set(name, [...stack, ...also].sort());
    stack.push(name);
  }
  return edges;
}

describe('the root README', () => {
  it('lists every published package with the trainkit dependencies of its package.json', () => {
    expect(Object.fromEntries(tableRows())).toEqual(Object.fromEntries(manifests()));
  });

  it('draws the same graph (a package depends on the packages above it, and on "also X")', () => {
    expect(Object.fromEntries(treeEdges())).toEqual(Object.fromEntries(manifests()));
  });
});
