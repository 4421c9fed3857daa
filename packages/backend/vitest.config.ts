import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** f32x4.relaxed_madd in a 44-byte module: does this Node validate relaxed SIMD without a flag? */
const RELAXED_PROBE = 'AGFzbQEAAAABCAFgA3t7ewF7AwIBAAcFAQFmAAAKDQELACAAIAEgAv2FAgs=';
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { validate(bytes: Uint8Array): boolean };
};
const relaxedNative = wasm.validate(Buffer.from(RELAXED_PROBE, 'base64'));

export default defineConfig({
  // The README examples import the package by name: its sources, without a build.
  resolve: {
    alias: [
      {
        find: /^@trainkit\/backend$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    projects: [
      {
        // Everything, on the exact SIMD build (vitest.setup.ts disallows the relaxed one).
        extends: true,
        test: {
          name: 'backend',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.relaxed.test.ts'],
        },
      },
      {
        // The relaxed-SIMD build (fused multiply-adds in the GEMM) and its exact fallback.
        // Node 20 validates relaxed SIMD only behind a V8 flag; later versions without one.
        extends: true,
        test: {
          name: 'relaxed-simd',
          include: ['src/**/*.relaxed.test.ts'],
          execArgv: relaxedNative ? [] : ['--experimental-wasm-relaxed-simd'],
          env: { TRAINKIT_TEST_RELAXED_SIMD: '1' },
        },
      },
    ],
  },
});
