import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { runExample } from '../../../examples.shared';

for (const name of (process.env.EXAMPLES ?? '').split(',')) {
  it(name, async () => {
    const printed = await runExample(new URL('../', import.meta.url), `examples/${name}.ts`);
    writeFileSync(`/tmp/sanity/out-${name}.txt`, printed.join('\n'));
  }, 600_000);
}
