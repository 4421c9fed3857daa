// Invalid calls of the tfjs entry throw typed errors; a rejected synchronized mark leaves the
// profiler unchanged.
import { InvalidArgumentError, TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { createProfiler } from '../profiler';
import { profilerCallback, synchronizeBackend, synchronizedProfiler } from './index';

describe('invalid calls of @trainkit/profiler/tfjs', () => {
  it.each([
    [
      'profilerCallback(null)',
      () => profilerCallback(null as never),
      /profilerCallback: options must be an options object, got null/,
    ],
    [
      'profilerCallback({ log: 3 })',
      () => profilerCallback({ log: 3 as never }),
      /profilerCallback: log must be a function, got 3/,
    ],
    [
      'profilerCallback({ backend: {} })',
      () => profilerCallback({ backend: {} as never }),
      /profilerCallback: backend.backend must be a backend name/,
    ],
    [
      'profilerCallback({ phaseCategories: { a: "io" } })',
      () => profilerCallback({ phaseCategories: { a: 'io' as never } }),
      /phaseCategories\['a'\] must be one of/,
    ],
    [
      'profilerCallback({ profiler: {} })',
      () => profilerCallback({ profiler: {} as never }),
      /profilerCallback: profiler must be a profiler from createProfiler/,
    ],
    [
      'synchronizedProfiler(p, null)',
      () => synchronizedProfiler(createProfiler(), null as never),
      /synchronizedProfiler: options must be an options object/,
    ],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });

  it('synchronizeBackend and a synchronized mark reject what is not a tensor, before marking', async () => {
    await expect(synchronizeBackend(null as never)).rejects.toThrow(
      'synchronizeBackend: waitFor must be a tensor (or a list of tensors) the phase produced, got null. Pass the tensor to read back, or nothing to wait with a probe.',
    );
    await expect(synchronizeBackend([3] as never)).rejects.toThrow(/waitFor\[0\] must be a tensor/);
    const profiler = createProfiler({ clock: () => 0, warn: () => {} });
    const sync = synchronizedProfiler(profiler, { synchronize: 'always' });
    await sync.phase('a');
    const before = profiler.state();
    await expect(sync.phase('b', 'loss' as never)).rejects.toThrow(TrainkitError);
    expect(profiler.state()).toEqual(before);
    expect(profiler.phaseNames()).toEqual(['a']);
  });
});
