import { packageTestConfig } from '../../vitest.shared';

// The packages resolve through node_modules to their built entries (dist/), as a user
// installs them (no source aliases); turbo builds them first (the test task depends on ^build).
export default packageTestConfig('@trainkit/integration', import.meta.url, {
  tfjs: 'everywhere',
  sourceAliases: false,
  testTimeout: 120_000,
  hookTimeout: 120_000,
});
