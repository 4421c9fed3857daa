import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Pure tests without TensorFlow.js, src/tfjs/ tests with it; see vitest.shared.ts.
// `@trainkit/tensorboard/node` resolves to its sources like the other entries.
export default mergeConfig(packageTestConfig('@trainkit/tensorboard', import.meta.url), {
  resolve: {
    alias: [{ find: /^@trainkit\/tensorboard\/node$/, replacement: source('./src/node/index.ts') }],
  },
});
