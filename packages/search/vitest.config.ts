import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Pure tests and Node tests (src/node/) in one project: this package has no TensorFlow.js
// adapter. `@trainkit/search/node` resolves to its sources like the main entry, so the README
// examples run without a build.
export default mergeConfig(packageTestConfig('@trainkit/search', import.meta.url), {
  resolve: {
    alias: [{ find: /^@trainkit\/search\/node$/, replacement: source('./src/node/index.ts') }],
  },
});
