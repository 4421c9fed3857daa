import { packageTestConfig } from '../../vitest.shared';

// An app (no main entry to alias; its tests load tfjs themselves). Hooks start real runs and a
// browser: on a loaded 2-core machine they take longer than vitest's 10 s default.
export default packageTestConfig('@trainkit/trainer', import.meta.url, {
  tfjs: 'none',
  sourceAliases: false,
  testTimeout: 120_000,
  hookTimeout: 120_000,
});
