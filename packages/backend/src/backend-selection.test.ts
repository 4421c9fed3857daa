import { InvalidArgumentError, TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { type BackendSelection, formatBackendSelection, installHint } from './backend-selection';
import { BackendUnavailableError } from './errors';

describe('formatBackendSelection', () => {
  it('prints the choice, its details and every backend tried', () => {
    const selection: BackendSelection = {
      backend: 'wasm',
      reason: 'the native backend is not available',
      tried: [
        {
          name: 'tensorflow',
          ok: false,
          reason: 'not installed (optional peer @tensorflow/tfjs-node)',
        },
        { name: 'wasm', ok: true, reason: 'SIMD binary from /x/dist/' },
      ],
      simd: true,
      threads: 1,
      trainingKernels: ['Conv2DBackpropFilter', 'BatchMatMul'],
    };
    expect(formatBackendSelection(selection)).toBe(
      [
        'backend: wasm (SIMD; 1 thread; 2 trainkit training kernels) - the native backend is not available',
        '  tensorflow: no - not installed (optional peer @tensorflow/tfjs-node)',
        '  wasm: yes - SIMD binary from /x/dist/',
      ].join('\n'),
    );
  });

  it('leaves out the details a backend does not have', () => {
    const selection: BackendSelection = {
      backend: 'tensorflow',
      reason: 'fastest',
      tried: [{ name: 'tensorflow', ok: true, reason: 'native TensorFlow' }],
      simd: null,
      threads: null,
      trainingKernels: [],
    };
    expect(formatBackendSelection(selection)).toBe(
      'backend: tensorflow - fastest\n  tensorflow: yes - native TensorFlow',
    );
    expect(formatBackendSelection({ ...selection, backend: 'cpu', threads: 4 })).toContain(
      'backend: cpu (4 threads) - fastest',
    );
  });
});

describe('installHint', () => {
  it('names the pinned install command and the blocked-download caveat', () => {
    expect(installHint('tensorflow')).toContain('npm install @tensorflow/tfjs-node@4.22.0');
    expect(installHint('tensorflow')).toContain("use backend 'wasm'");
    expect(installHint('wasm')).toContain('npm install @tensorflow/tfjs-backend-wasm@4.22.0');
    expect(installHint('cpu')).toBe(
      'Install it with `npm install @tensorflow/tfjs-backend-cpu@4.22.0`.',
    );
  });
});

describe('BackendUnavailableError', () => {
  it('names the function, the backend, the reason and the fix', () => {
    const cause = new Error('Cannot find package');
    const error = new BackendUnavailableError({
      functionName: 'selectBackend',
      backend: 'tensorflow',
      reason: 'not installed',
      fix: 'Install it.',
      cause,
    });
    expect(error.message).toBe(
      "selectBackend: backend 'tensorflow' cannot be used: not installed. Install it.",
    );
    expect(error.name).toBe('BackendUnavailableError');
    expect(error.cause).toBe(cause);
    expect(error.fix).toBe('Install it.');
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    expect(TrainkitError.isInstance(error)).toBe(true);
    expect(InvalidArgumentError.isInstance(error)).toBe(false);
    expect(BackendUnavailableError.isInstance(new Error('x'))).toBe(false);
    expect(
      BackendUnavailableError.isInstance({
        [Symbol.for('trainkit.error.BackendUnavailableError')]: true,
      }),
    ).toBe(true);
  });
});
