import { packageTestConfig } from '../../vitest.shared';

// Pure package (no TensorFlow.js); the package name resolves to the sources; see vitest.shared.ts.
export default packageTestConfig('@trainkit/stats', import.meta.url, { tfjs: 'none' });
