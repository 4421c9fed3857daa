import { packageTestConfig } from '../../vitest.shared';

// Pure private workspace (no TensorFlow.js); see vitest.shared.ts.
export default packageTestConfig('@trainkit/mnist', import.meta.url, { tfjs: 'none' });
