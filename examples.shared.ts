import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

/**
 * README examples that run.
 *
 * Convention (every package): each example is a complete program in
 * `examples/<name>.ts` that imports what a user would import (the package name, a
 * TensorFlow.js backend when it touches tensors) and runs at the top level. The README shows
 * it verbatim in a fenced `ts` block preceded by `<!-- example: examples/<name>.ts -->`.
 * When the README shows what the example prints, it follows in a fenced `text` block
 * preceded by `<!-- output: examples/<name>.ts -->`; the printed lines must equal it exactly.
 *
 * In a package's `src/readme.test.ts`:
 * ```ts
 * import { describeReadmeExamples } from '../../../examples.shared';
 * describeReadmeExamples(import.meta.url, {
 *   'examples/streaming.ts': (printed) => expect(printed[0]).toBe('0.7777777777777778'),
 * });
 * ```
 * The package name resolves to its sources through the vitest alias, so the examples run
 * without a build; `scripts/check-packed.mjs` runs the same files against the packed tarballs.
 */
export interface ReadmeExample {
  /** Relative to the package, e.g. `examples/streaming.ts`. */
  readonly path: string;
  /** The code shown in the README. */
  readonly code: string;
  /** The output shown in the README, when it shows one. */
  readonly output: string | undefined;
}

const exampleBlock = /<!-- example: (\S+) -->\n\n?```ts\n([\s\S]*?)\n```/g;
const outputBlock = /<!-- output: (\S+) -->\n\n?```text\n([\s\S]*?)\n```/g;

/** The examples a README shows, with the output it shows for each. */
export function readmeExamples(packageRoot: URL): ReadmeExample[] {
  const readme = readFileSync(new URL('README.md', packageRoot), 'utf8');
  const outputs = new Map<string, string>();
  for (const [, path, text] of readme.matchAll(outputBlock)) outputs.set(path!, text!);
  return [...readme.matchAll(exampleBlock)].map(([, path, code]) => ({
    path: path!,
    code: code!,
    output: outputs.get(path!),
  }));
}

/** Runs an example module, returning what it printed with `console.log` (formatted as Node prints it), one entry per call. */
export async function runExample(packageRoot: URL, path: string): Promise<string[]> {
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
    printed.push(format(...values));
  });
  try {
    await import(/* @vite-ignore */ pathToFileURL(fileURLToPath(new URL(path, packageRoot))).href);
  } finally {
    log.mockRestore();
  }
  return printed;
}

/**
 * The standard README test: every file in `examples/` is shown verbatim, the README shows no
 * other TypeScript code block, every example runs, printed output equals the README's output block
 * where there is one, and `checks` asserts values per example.
 *
 * @param testFileUrl - `import.meta.url` of a test file in the package's `src/`.
 */
export function describeReadmeExamples(
  testFileUrl: string,
  checks: Record<string, (printed: string[]) => void | Promise<void>> = {},
  options: { timeout?: number } = {},
): void {
  const packageRoot = new URL('../', testFileUrl);
  const examples = readmeExamples(packageRoot);
  describe('README examples', () => {
    it('shows every file in examples/ verbatim, and nothing else', () => {
      const files = readdirSync(new URL('examples/', packageRoot))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `examples/${name}`)
        .sort();
      expect(examples.map((example) => example.path).sort()).toEqual(files);
      for (const example of examples) {
        const file = readFileSync(new URL(example.path, packageRoot), 'utf8').trimEnd();
        expect(example.code, `${example.path} differs from the README`).toBe(file);
      }
      for (const path of Object.keys(checks)) {
        expect(files, `checks name ${path}, which is not an example`).toContain(path);
      }
    });
    it('shows no TypeScript code block that is not an example file', () => {
      // A program in the README that no test runs is how examples rotted (issue 11): each
      // ts block must be an example (`<!-- example: examples/<name>.ts -->` before it).
      const readme = readFileSync(new URL('README.md', packageRoot), 'utf8');
      const blocks = [...readme.matchAll(/^```(ts|typescript|tsx)\n/gm)].length;
      expect(blocks, 'code blocks without an example marker').toBe(examples.length);
    });
    for (const example of examples) {
      it(
        `runs ${example.path}`,
        async () => {
          const printed = await runExample(packageRoot, example.path);
          if (example.output !== undefined) expect(printed.join('\n')).toBe(example.output);
          await checks[example.path]?.(printed);
        },
        options.timeout ?? 60_000,
      );
    }
  });
}
