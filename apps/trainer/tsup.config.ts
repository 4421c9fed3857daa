import { defineConfig } from 'tsup';

export default defineConfig({
  // search-objective.js: the module search workers import (beside cli.js in dist).
  entry: ['src/cli.ts', 'src/search-objective.ts'],
  format: ['esm'],
  clean: true,
  sourcemap: true,
});
