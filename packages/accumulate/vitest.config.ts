import { packageTestConfig } from '../../vitest.shared';

// Every test trains through tfjs (the optimizer itself lives in src/), so vitest.setup.ts
// (CPU backend + gradients) runs for all of them; see vitest.shared.ts.
export default packageTestConfig('@trainkit/accumulate', import.meta.url, { tfjs: 'everywhere' });
