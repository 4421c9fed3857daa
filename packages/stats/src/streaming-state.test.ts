import { InvalidArgumentError, ShapeMismatchError, type StateEnvelope } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  compensatedAdd,
  defineStreamingState,
  stateField,
  stateParameter,
} from './streaming-state';

// A small metric in the shape of the real ones: a histogram of `bins` buckets, hits and a
// compensated sum, with `bins` a dimension and `scale` a plain parameter.
interface HistogramState {
  readonly kind: 'histogram';
  readonly bins: number;
  readonly scale: number;
  readonly counts: Float64Array;
  hits: number;
  samples: number;
  sum: number;
  sumCompensation: number;
}

const histogram = defineStreamingState<HistogramState, 'bins' | 'scale', StateEnvelope>(
  'trainkit.test.histogram',
  {
    description: 'a histogram state',
    parameters: {
      bins: stateParameter.integer(
        { min: 1, max: 100, fix: 'Pass the number of buckets.' },
        { shape: { fix: 'Only histograms with the same buckets can be merged.' } },
      ),
      scale: stateParameter.number({ min: 0, minInclusive: false }),
    },
    fields: {
      counts: stateField.sums(({ bins }) => bins as number, { min: 0 }),
      hits: stateField.count(),
      samples: stateField.sum({ min: 0 }),
      sum: stateField.compensatedSum('sumCompensation'),
      sumCompensation: stateField.compensation(),
    },
    validate: (state, read) => {
      if (state.hits > state.samples)
        read.fail('hits', `<= samples (${state.samples})`, state.hits);
    },
  },
);

function add(state: HistogramState, values: readonly number[]): HistogramState {
  for (const value of values) {
    state.counts[Math.min(state.bins - 1, Math.floor(value))]! += 1;
    if (value > 1) state.hits++;
    state.samples += 1;
    [state.sum, state.sumCompensation] = compensatedAdd(state.sum, state.sumCompensation, value);
  }
  return state;
}

const fresh = () => histogram.create('createHistogram', { bins: 3, scale: 1 });

describe('defineStreamingState', () => {
  it('creates a plain state: kind from the format, parameters, then fields', () => {
    const state = fresh();
    expect(Object.keys(state)).toEqual([
      'kind',
      'bins',
      'scale',
      'counts',
      'hits',
      'samples',
      'sum',
      'sumCompensation',
    ]);
    expect(state).toEqual({
      kind: 'histogram',
      bins: 3,
      scale: 1,
      counts: new Float64Array(3),
      hits: 0,
      samples: 0,
      sum: 0,
      sumCompensation: 0,
    });
    expect(histogram.kind).toBe('histogram');
  });

  it('checks parameters at creation, naming the function and the argument path', () => {
    expect(() => histogram.create('createHistogram', { bins: 0, scale: 1 })).toThrow(
      'createHistogram: bins must be an integer >= 1 and <= 100, got 0. Pass the number of buckets.',
    );
    expect(() =>
      histogram.create('createHistogram', { bins: 2, scale: 0 }, { argumentPrefix: 'options.' }),
    ).toThrow('createHistogram: options.scale must be a finite number > 0, got 0.');
  });

  it('is / assert: kind and guarded fields, in O(1); the default fix names the constructor', () => {
    const state = fresh();
    expect(histogram.is(state)).toBe(true);
    expect(histogram.is({ ...state, kind: 'other' })).toBe(false);
    expect(histogram.is({ ...state, counts: new Float64Array(2) })).toBe(false);
    expect(histogram.is({ ...state, counts: [0, 0, 0] })).toBe(false);
    expect(histogram.is(null)).toBe(false);
    expect(() => histogram.assert('addHistogram', 5)).toThrow(
      'addHistogram: state must be a histogram state, got 5. Create one with createHistogram(bins, scale).',
    );
    expect(() => histogram.assert('addHistogram', {}, 'sources[2]')).toThrow(
      'addHistogram: sources[2] must be a histogram state',
    );
  });

  it('reset zeroes the fields in place and keeps the parameters and the arrays', () => {
    const state = add(fresh(), [0.5, 2.5, 2]);
    const counts = state.counts;
    expect(histogram.reset(state)).toBe(state);
    expect(state.counts).toBe(counts);
    expect(state).toEqual(fresh());
    expect(() => histogram.reset({} as HistogramState)).toThrow(
      'resetHistogram: state must be a histogram state',
    );
  });

  it('merge(update(a), update(b)) equals update(a ∪ b) (property; compensated sum exact)', () => {
    const values = fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { maxLength: 30 });
    fc.assert(
      fc.property(values, values, values, (a, b, c) => {
        const merged = histogram.merge(add(fresh(), a), add(fresh(), b), add(fresh(), c));
        const union = add(fresh(), [...a, ...b, ...c]);
        expect(Array.from(merged.counts)).toEqual(Array.from(union.counts));
        expect([merged.hits, merged.samples]).toEqual([union.hits, union.samples]);
        const exact = (s: HistogramState) => s.sum + s.sumCompensation;
        expect(Math.abs(exact(merged) - exact(union))).toBeLessThanOrEqual(
          1e-15 * Math.max(1, exact(union)),
        );
      }),
    );
    // The compensation of the sources is merged too: 1e16 + 1 - 1e16 in three workers.
    const parts = [[1e16], [1], [-1e16]].map((values) => add(fresh(), values));
    const total = histogram.merge(fresh(), ...parts);
    expect(total.sum + total.sumCompensation).toBe(1);
    // A worker whose own compensation holds the 1.
    const carried = histogram.merge(fresh(), add(fresh(), [1e16, 1]), add(fresh(), [-1e16]));
    expect(carried.sum + carried.sumCompensation).toBe(1);
  });

  it('merge refuses other dimensions (ShapeMismatchError) and other parameters, changing nothing', () => {
    const target = add(fresh(), [1]);
    const before = histogram.toJSON(target);
    const good = add(fresh(), [2]);
    expect(() =>
      histogram.merge(target, good, histogram.create('x', { bins: 4, scale: 1 })),
    ).toThrow(ShapeMismatchError);
    expect(() =>
      histogram.merge(target, good, histogram.create('x', { bins: 4, scale: 1 })),
    ).toThrow(
      'mergeHistogram: sources[1].bins must have shape 3, got 4. Only histograms with the same buckets can be merged.',
    );
    expect(() =>
      histogram.merge(target, good, histogram.create('x', { bins: 3, scale: 2 })),
    ).toThrow(
      'mergeHistogram: sources[1] must be a state with bins 3 and scale 1, got {"bins":3,"scale":2}. Only states with the same parameters can be merged.',
    );
    expect(() => histogram.merge(target, good, {} as HistogramState)).toThrow(InvalidArgumentError);
    expect(histogram.toJSON(target)).toEqual(before);
  });

  it('clone is independent', () => {
    const state = add(fresh(), [0.5]);
    const copy = histogram.clone(state);
    add(state, [0.5, 2]);
    expect(Array.from(copy.counts)).toEqual([1, 0, 0]);
    expect(copy.samples).toBe(1);
  });

  it('a state with an order-dependent field cannot be merged', () => {
    interface LastState {
      readonly kind: 'last';
      value: number;
    }
    const last = defineStreamingState<LastState, never>('trainkit.test.last', {
      description: 'a last-value state',
      parameters: {},
      fields: { value: stateField.value(Number.NaN, 'jsonNumber') },
    });
    const state = last.create('createLast', {});
    expect(() => last.merge(state, last.create('createLast', {}))).toThrow(
      'mergeLast: target must be a state whose fields can be merged, got "last". a last-value state is order-dependent and cannot be merged.',
    );
    expect(last.fromJSON(JSON.stringify(last.toJSON(state))).value).toBeNaN();
  });

  it('refuses a field without a serialized form unless the spec has a payload', () => {
    expect(() =>
      defineStreamingState<{ readonly kind: 'ring'; readonly ring: Float64Array }, never>(
        'trainkit.test.ring',
        {
          description: 'a ring',
          parameters: {},
          fields: { ring: stateField.buffer(() => 4) },
        },
      ),
    ).toThrow('defineStreamingState: spec.fields.ring must be a field with toJSON and fromJSON');
  });

  it('compensatedAdd keeps what naive summation loses; non-finite values pass through', () => {
    let [sum, carry] = [0, 0];
    for (const x of [1e16, 1, -1e16]) [sum, carry] = compensatedAdd(sum, carry, x);
    expect(sum + carry).toBe(1);
    expect(compensatedAdd(1, 0, Number.POSITIVE_INFINITY)).toEqual([Number.POSITIVE_INFINITY, 0]);
    expect(compensatedAdd(1, 0.5, Number.NaN)[0]).toBeNaN();
  });

  describe('toJSON / fromJSON', () => {
    describeStateFormat({
      format: 'trainkit.test.histogram',
      version: 1,
      toJSON: histogram.toJSON,
      fromJSON: histogram.fromJSON,
      samples: () => [fresh(), add(fresh(), [0.25, 2.5, 1e16, 1, -1e16])],
      equal: (restored, original) => {
        expect(restored).toEqual(original);
        expect(Object.keys(restored)).toEqual(Object.keys(original));
      },
    });

    it('checks parameters, array lengths and the cross-field rule', () => {
      const good = histogram.toJSON(add(fresh(), [2, 0]));
      expect(() => histogram.fromJSON({ ...good, counts: [1, 1] })).toThrow(
        'histogramFromJSON: counts must be an array of length 3, got [1, 1].',
      );
      expect(() => histogram.fromJSON({ ...good, bins: 101 })).toThrow(
        'histogramFromJSON: bins must be an integer >= 1 and <= 100, got 101.',
      );
      expect(() => histogram.fromJSON({ ...good, hits: 5 })).toThrow(
        'histogramFromJSON: hits must be <= samples (2), got 5.',
      );
    });
  });
});
