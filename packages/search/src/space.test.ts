import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import {
  categorical,
  checkConfig,
  configKey,
  defineSpace,
  integer,
  isActive,
  logUniform,
  uniform,
} from './space';

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('parameters', () => {
  it('builds plain JSON parameters', () => {
    expect(logUniform(1e-4, 1e-1)).toEqual({ kind: 'log-uniform', low: 1e-4, high: 1e-1 });
    expect(uniform(0, 0.5)).toEqual({ kind: 'uniform', low: 0, high: 0.5 });
    expect(integer(32, 256, { step: 32 })).toEqual({
      kind: 'integer',
      low: 32,
      high: 256,
      step: 32,
      log: false,
    });
    expect(categorical(['adam', 'sgd'])).toEqual({ kind: 'categorical', values: ['adam', 'sgd'] });
    expect(JSON.parse(JSON.stringify(logUniform(1e-4, 1e-1)))).toEqual(logUniform(1e-4, 1e-1));
  });

  it('refuses a log-uniform range with low <= 0, naming the argument and the fix', () => {
    const zero = thrown(() => logUniform(0, 1));
    expect(zero.functionName).toBe('logUniform');
    expect(zero.argument).toBe('low');
    expect(zero.message).toContain('logUniform: low must be a finite number > 0, got 0.');
    expect(zero.message).toContain('use uniform() to include 0');
    expect(thrown(() => logUniform(-1, 1)).value).toBe(-1);
  });

  it('refuses low >= high for every range kind', () => {
    expect(thrown(() => uniform(1, 1)).message).toContain(
      'uniform: high must be a finite number > 1, got 1.',
    );
    expect(thrown(() => logUniform(1e-2, 1e-3)).argument).toBe('high');
    expect(thrown(() => integer(5, 5)).message).toContain(
      'integer: high must be an integer >= 6, got 5.',
    );
    expect(thrown(() => uniform(Number.NaN, 1)).argument).toBe('low');
  });

  it('checks integer steps and log integers', () => {
    expect(thrown(() => integer(0, 10, { step: 3 })).message).toContain('Use high = 9.');
    expect(thrown(() => integer(0, 10, { log: true })).argument).toBe('low');
    expect(thrown(() => integer(1, 11, { log: true, step: 3 })).argument).toBe('high');
    expect(thrown(() => integer(1, 16, { log: true, step: 3 })).argument).toBe('step');
  });

  it('refuses empty or duplicate categorical values', () => {
    expect(thrown(() => categorical([])).argument).toBe('values');
    expect(thrown(() => categorical([1, 2, 1])).argument).toBe('values[2]');
    expect(thrown(() => categorical([Number.NaN])).argument).toBe('values[0]');
  });
});

describe('defineSpace', () => {
  it('refuses an empty space with the fix', () => {
    const error = thrown(() => defineSpace({}));
    expect(error.argument).toBe('parameters');
    expect(error.message).toContain('defineSpace: parameters must be a non-empty object');
    expect(error.message).toContain('Add at least one parameter');
  });

  it('keeps declaration order and names', () => {
    const space = defineSpace({ b: uniform(0, 1), a: categorical([1]) });
    expect(space.parameters.map((p) => p.name)).toEqual(['b', 'a']);
  });

  it('re-checks hand-written parameters', () => {
    expect(
      thrown(() => defineSpace({ lr: { kind: 'log-uniform', low: 0, high: 1 } })).functionName,
    ).toBe('logUniform');
    expect(
      thrown(() => defineSpace({ lr: { kind: 'normal', low: 0, high: 1 } as never })).argument,
    ).toBe('parameters.lr.kind');
  });

  it('needs a condition to name an earlier categorical parameter and its values', () => {
    const when = { parameter: 'optimizer', values: ['sgd'] };
    expect(
      thrown(() =>
        defineSpace({ momentum: uniform(0, 1, { when }), optimizer: categorical(['sgd']) }),
      ).argument,
    ).toBe('parameters.momentum.when.parameter');
    expect(
      thrown(() =>
        defineSpace({
          optimizer: categorical(['adam']),
          momentum: uniform(0, 1, { when }),
        }),
      ).argument,
    ).toBe('parameters.momentum.when.values[0]');
    const space = defineSpace({
      optimizer: categorical(['adam', 'sgd']),
      momentum: uniform(0, 1, { when }),
    });
    const momentum = space.parameters[1]!;
    expect(isActive(momentum, { optimizer: 'sgd' })).toBe(true);
    expect(isActive(momentum, { optimizer: 'adam' })).toBe(false);
  });
});

describe('checkConfig', () => {
  const space = defineSpace({
    learningRate: logUniform(1e-4, 1e-1),
    optimizer: categorical(['adam', 'sgd']),
    momentum: uniform(0.5, 0.99, { when: { parameter: 'optimizer', values: ['sgd'] } }),
    units: integer(16, 64, { step: 16 }),
  });

  it('accepts a configuration and orders its keys like the space', () => {
    const config = checkConfig(
      space,
      { units: 32, optimizer: 'adam', learningRate: 0.01 },
      'f',
      'c',
    );
    expect(Object.keys(config)).toEqual(['learningRate', 'optimizer', 'units']);
  });

  it('names an unknown parameter and lists the known ones', () => {
    const error = thrown(() =>
      checkConfig(
        space,
        { learningRate: 0.01, optimizer: 'adam', units: 16, lr: 1 },
        'manualSearch',
        'configs[1]',
      ),
    );
    expect(error.argument).toBe('configs[1].lr');
    expect(error.message).toContain('Known parameters: learningRate, optimizer, momentum, units');
  });

  it('refuses values outside the domain, missing and inactive parameters', () => {
    expect(
      thrown(() => checkConfig(space, { learningRate: 1, optimizer: 'adam', units: 16 }, 'f', 'c'))
        .argument,
    ).toBe('c.learningRate');
    expect(
      thrown(() =>
        checkConfig(space, { learningRate: 0.01, optimizer: 'adam', units: 20 }, 'f', 'c'),
      ).argument,
    ).toBe('c.units');
    expect(
      thrown(() =>
        checkConfig(space, { learningRate: 0.01, optimizer: 'sgd', units: 16 }, 'f', 'c'),
      ).argument,
    ).toBe('c.momentum');
    expect(
      thrown(() =>
        checkConfig(
          space,
          { learningRate: 0.01, optimizer: 'adam', momentum: 0.9, units: 16 },
          'f',
          'c',
        ),
      ).argument,
    ).toBe('c.momentum');
  });

  it('gives order-independent keys', () => {
    expect(configKey({ a: 1, b: 'x' })).toBe(configKey({ b: 'x', a: 1 }));
    expect(configKey({ a: 1 })).not.toBe(configKey({ a: '1' }));
  });
});
