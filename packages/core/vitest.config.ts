import { packageTestConfig } from '../../vitest.shared';

// Pure tests without TensorFlow.js, src/tfjs/ tests with it; see vitest.shared.ts.
export default packageTestConfig('@trainkit/core', import.meta.url);
