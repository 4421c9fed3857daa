import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateRestoreError } from './errors';
import { encodeJsonNumbers, readState, readStateEnvelope, stateEnvelope } from './state-json';

const format = { format: 'trainkit.test.thing', version: 2, writer: 'thingToJSON' };

function thrown(run: () => unknown): StateRestoreError {
  try {
    run();
  } catch (error) {
    expect(StateRestoreError.isInstance(error)).toBe(true);
    return error as StateRestoreError;
  }
  throw new Error('expected a StateRestoreError');
}

describe('stateEnvelope', () => {
  it('puts format and version first and keeps the payload', () => {
    const json = stateEnvelope('trainkit.test.thing', 2, { a: 1, b: [true] });
    expect(json).toEqual({ format: 'trainkit.test.thing', version: 2, a: 1, b: [true] });
    expect(JSON.stringify(json)).toBe(
      '{"format":"trainkit.test.thing","version":2,"a":1,"b":[true]}',
    );
  });
  it('cannot be overridden by payload keys named format or version', () => {
    const json = stateEnvelope('trainkit.test.thing', 2, { format: 'x', version: 9 } as never);
    expect(json.format).toBe('trainkit.test.thing');
    expect(json.version).toBe(2);
  });
});

describe('readStateEnvelope', () => {
  const good = stateEnvelope('trainkit.test.thing', 2, {
    count: 3,
    weight: 0.5,
    flag: true,
    name: 'run',
    mode: 'min',
    values: [1, 'NaN', '-0', 'Infinity'],
    plain: [0.25, 4],
    nested: { step: 7, items: [{ x: 1 }, 2] },
  });

  it('reads every kind of field from the object, its JSON round trip and its JSON text', () => {
    for (const input of [good, JSON.parse(JSON.stringify(good)), JSON.stringify(good)]) {
      const read = readStateEnvelope('thingFromJSON', input, format);
      expect(read.count('count')).toBe(3);
      expect(read.number('weight', { min: 0, max: 1 })).toBe(0.5);
      expect(read.boolean('flag')).toBe(true);
      expect(read.string('name', { nonEmpty: true })).toBe('run');
      expect(read.oneOf('mode', ['min', 'max'] as const)).toBe('min');
      const values = read.jsonNumbers('values', 4);
      expect(values[0]).toBe(1);
      expect(values[1]).toBeNaN();
      expect(Object.is(values[2], -0)).toBe(true);
      expect(values[3]).toBe(Number.POSITIVE_INFINITY);
      expect(read.numbers('plain', { min: 0 })).toEqual([0.25, 4]);
      const nested = read.object('nested');
      expect(nested.path).toBe('nested');
      expect(nested.count('step')).toBe(7);
      const items = nested.array('items');
      expect(nested.element('items', 0, items[0]).number('x')).toBe(1);
      expect(read.has('missing')).toBe(false);
      expect(read.value('name')).toBe('run');
    }
  });

  it('round-trips any numbers exactly through encodeJsonNumbers and JSON text', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (values) => {
        const text = JSON.stringify(
          stateEnvelope('trainkit.test.thing', 2, { values: encodeJsonNumbers(values) }),
        );
        const back = readStateEnvelope('thingFromJSON', text, format).jsonNumbers('values');
        expect(back.length).toBe(values.length);
        for (let i = 0; i < back.length; i++) expect(Object.is(back[i], values[i])).toBe(true);
      }),
    );
  });

  it('rejects a wrong envelope with the format, the field and the fix', () => {
    const notObject = thrown(() => readStateEnvelope('thingFromJSON', [1], format));
    expect(notObject.message).toBe(
      'thingFromJSON: expected a trainkit.test.thing state object, got [1]. Pass the object thingToJSON returned.',
    );
    expect(notObject.format).toBe('trainkit.test.thing');
    const badText = thrown(() => readStateEnvelope('thingFromJSON', '{"format":', format));
    expect(badText.message).toMatch(/^thingFromJSON: the text is not valid JSON/);
    expect(badText.cause).toBeInstanceOf(SyntaxError);
    const otherFormat = thrown(() =>
      readStateEnvelope('thingFromJSON', { ...good, format: 'trainkit.test.other' }, format),
    );
    expect(otherFormat.message).toBe(
      'thingFromJSON: expected format "trainkit.test.thing", got "trainkit.test.other". Pass the object thingToJSON returned (each state type has its own restore function).',
    );
    expect(otherFormat.field).toBe('format');
    const legacyKey = thrown(() =>
      readStateEnvelope('thingFromJSON', { kind: 'trainkit.test.thing', version: 2 }, format),
    );
    expect(legacyKey.field).toBe('format');
  });

  it('rejects other versions, saying when a newer release wrote it', () => {
    const newer = thrown(() => readStateEnvelope('thingFromJSON', { ...good, version: 3 }, format));
    expect(newer.message).toBe(
      'thingFromJSON: trainkit.test.thing version 3 was written by a newer release; this one reads version 2. Upgrade the package that reads it.',
    );
    expect(newer.field).toBe('version');
    const older = thrown(() => readStateEnvelope('thingFromJSON', { ...good, version: 1 }, format));
    expect(older.message).toBe(
      'thingFromJSON: unsupported trainkit.test.thing version 1; this release reads version 2.',
    );
    const missing = thrown(() =>
      readStateEnvelope('thingFromJSON', { format: 'trainkit.test.thing' }, format),
    );
    expect(missing.message).toContain('version undefined');
  });

  it('rejects missing and mistyped fields naming the path, the value, the format and the fix', () => {
    const read = readStateEnvelope('thingFromJSON', good, format);
    const missing = thrown(() => read.count('steps'));
    expect(missing.message).toBe(
      'thingFromJSON: steps must be an integer >= 0, got undefined. (trainkit.test.thing version 2) Pass the object thingToJSON returned (or its JSON text); this one is corrupted or is not a trainkit.test.thing state.',
    );
    expect(missing.field).toBe('steps');
    expect(missing.format).toBe('trainkit.test.thing');
    expect(thrown(() => read.count('weight')).message).toContain(
      'weight must be an integer >= 0, got 0.5.',
    );
    expect(thrown(() => read.number('weight', { min: 1 })).message).toContain(
      'weight must be a finite number >= 1, got 0.5.',
    );
    expect(thrown(() => read.boolean('name')).message).toContain(
      'name must be true or false, got "run".',
    );
    expect(thrown(() => read.string('count')).message).toContain('count must be a string, got 3.');
    expect(thrown(() => read.oneOf('mode', ['max'])).message).toContain(
      'mode must be one of "max", got "min".',
    );
    expect(thrown(() => read.array('values', 5)).message).toContain(
      'values must be an array of length 5',
    );
    const element = thrown(() => read.jsonNumbers('plain', 3));
    expect(element.field).toBe('plain');
    const bad = readStateEnvelope('thingFromJSON', { ...good, values: [1, null] }, format);
    const nullValue = thrown(() => bad.jsonNumbers('values'));
    expect(nullValue.field).toBe('values[1]');
    expect(nullValue.message).toContain(
      'values[1] must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got null.',
    );
    expect(thrown(() => read.numbers('values')).field).toBe('values[1]');
    const nested = read.object('nested');
    expect(thrown(() => nested.count('nope')).field).toBe('nested.nope');
    const items = nested.array('items');
    expect(thrown(() => nested.element('items', 1, items[1])).field).toBe('nested.items[1]');
    expect(thrown(() => nested.element('items', 0, items[0]).string('x')).field).toBe(
      'nested.items[0].x',
    );
    expect(thrown(() => read.object('name')).message).toContain(
      'name must be an object, got "run".',
    );
    expect(thrown(() => read.fail('count', 'at most 2', 3)).message).toContain(
      'count must be at most 2, got 3.',
    );
  });
});

describe('readState', () => {
  const source = { format: 'trainkit.test.thing', source: 'a state returned by init()' };
  it('reads an in-memory state with fields named state.<field>', () => {
    const read = readState('update', { count: 2, nested: { x: 1 } }, source);
    expect(read.count('count')).toBe(2);
    expect(read.object('nested').number('x')).toBe(1);
    const bad = thrown(() => read.count('missing'));
    expect(bad.message).toBe(
      'update: state.missing must be an integer >= 0, got undefined. (trainkit.test.thing) Pass a state returned by init().',
    );
    expect(bad.field).toBe('state.missing');
    expect(thrown(() => read.object('nested').string('x')).field).toBe('state.nested.x');
  });
  it('rejects a non-object, naming the argument', () => {
    const error = thrown(() => readState('create', 42, { ...source, argument: 'options.state' }));
    expect(error.message).toBe(
      'create: options.state must be a trainkit.test.thing state object, got 42. Pass a state returned by init().',
    );
    expect(error.field).toBe('options.state');
  });
});
