import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import fixtures from '../fixtures/random.json';
import {
  createRandom,
  DrawBuffer,
  deriveSeed,
  type Random,
  randomFromJSON,
  randomToJSON,
  restoreRandom,
  Xoshiro128,
  xoshiroFrom,
} from './random';

// Published output of the PCG reference program pcg32-demo (pcg-c-basic) and of
// pcg-c/test-high/expected/check-pcg32.out: seed 42, stream 54, five rounds of
// six raw outputs, 65 coin tosses (boundedrand(2), 1 = H), 33 dice
// (boundedrand(6) + 1) and a 52-card Fisher-Yates deal.
const referenceRounds = [
  {
    numbers: [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e],
    coins: 'HHTTTHTHHHTHTTTHHHHHTTTHHHTHTHTHTTHTTTHHHHHHTTTTHHTTTTTHTTTTTTTHT',
    rolls: '3 4 1 1 2 2 3 2 4 3 2 4 3 3 5 2 3 1 3 1 5 1 4 1 5 6 4 6 6 2 6 3 3',
    cards:
      'Qd Ks 6d 3s 3d 4c 3h Td Kc 5c Jh Kd Jd As 4s 4h Ad Th Ac Jc 7s Qs 2s 7h Kh 2d 6c Ah 4d Qh 9h 6s 5s 2c 9c Ts 8d 9s 3c 8c Js 5d 2h 6h 7d 8s 9d 5h 8h Qc 7c Tc',
  },
  {
    numbers: [0x74ab93ad, 0x1c1da000, 0x494ff896, 0x34462f2f, 0xd308a3e5, 0x0fa83bab],
    coins: 'HHHHHHHHHHTHHHTHTHTHTHTTTTHHTTTHHTHHTHTTHHTTTHHHHHHTHTTHTHTTTTTTT',
    rolls: '5 1 1 3 3 2 4 5 3 2 2 6 4 3 2 4 2 4 3 2 3 6 3 2 3 4 2 4 1 1 5 4 4',
    cards:
      '7d 2s 7h Td 8s 3c 3d Js 2d Tc 4h Qs 5c 9c Th 2c Jc Qd 9d Qc 7s 3s 5s 6h 4d Jh 4c Ac 4s 5h 5d Kc 8h 8d Jd 9s Ad 6s 6c Kd 2h 3h Kh Ts Qh 9h 6d As 7c Ks Ah 8c',
  },
  {
    numbers: [0x39af5f9f, 0x04196b18, 0xc3c3eb28, 0xc076c60c, 0xc693e135, 0xf8f63932],
    coins: 'HTTHHTTTTTHTTHHHTHTTHHTTHTHHTHTHTTTTHHTTTHHTHHTTHTTHHHTHHHTHTTTHT',
    rolls: '5 1 5 3 2 2 4 5 3 3 1 3 4 6 3 2 3 4 2 2 3 1 5 2 4 6 6 4 2 4 3 3 6',
    cards:
      'Kd Jh Kc Qh 4d Qc 4h 9d 3c Kh Qs 8h 5c Jd 7d 8d 3h 7c 8s 3s 2h Ks 9c 9h 2c 8c Ad 7s 4s 2s 5h 6s 4c Ah 7h 5s Ac 3d 5d Qd As Tc 6h 9s 2d 6c 6d Td Jc Ts Th Js',
  },
  {
    numbers: [0x55ce6851, 0x97a7726d, 0x17e10815, 0x58007d43, 0x962fb148, 0xb9bb55bd],
    coins: 'HHTHHTTTTHTHHHHHTTHHHTTTHHTHTHTHTHHTTHTHHHHHHTHHTHHTHHTTTTHHTHHTT',
    rolls: '6 6 3 2 3 4 2 6 4 2 6 3 2 3 5 5 3 4 4 6 6 2 6 5 4 4 6 1 6 1 3 6 5',
    cards:
      'Qd 8h 5d 8s 8d Ts 7h Th Qs Js 7s Kc 6h 5s 4d Ac Jd 7d 7c Td 2c 6s 5h 6d 3s Kd 9s Jh Kh As Ah 9h 3c Qh 9c 2d Tc 9d 2s 3d Ks 4h Qc Ad Jc 8c 2h 3h 4s 4c 5c 6c',
  },
  {
    numbers: [0xfcef7cd6, 0x1b488b5a, 0xd0daf7ea, 0x1d9a70f7, 0x241a37cf, 0x9a3857b7],
    coins: 'HHHHTHHTTHTTHHHTTTHHTHTHTTTTHTTHTHTTTHHHTHTHTTHTTHTHHTHTHHHTHTHTT',
    rolls: '5 4 1 2 6 1 3 1 5 6 3 6 2 1 4 4 5 2 1 5 6 5 6 4 4 4 5 2 6 4 3 5 6',
    cards:
      '4d 9s Qc 9h As Qs 7s 4c Kd 6h 6s 2c 8c 5d 7h 5h Jc 3s 7c Jh Js Ks Tc Jd Kc Th 3h Ts Qh Ad Td 3c Ah 2d 3d 5c Ac 8s 5s 9c 2h 6c 6d Kh Qd 8d 7d 2s 8h 4h 9d 4s',
  },
];

describe('createRandom (PCG32)', () => {
  it('reproduces the published pcg32-demo output: raw, bounded and a card shuffle', () => {
    const random = createRandom({ seed: 42, stream: 54 });
    for (const round of referenceRounds) {
      expect(Array.from({ length: 6 }, () => random.nextUint32())).toEqual(round.numbers);
      const coins = Array.from({ length: 65 }, () => (random.nextInt(2) === 1 ? 'H' : 'T'));
      expect(coins.join('')).toBe(round.coins);
      const rolls = Array.from({ length: 33 }, () => random.nextInt(6) + 1);
      expect(rolls.join(' ')).toBe(round.rolls);
      const deck = Array.from({ length: 52 }, (_, i) => i);
      random.shuffle(deck);
      const names = deck.map((card) => 'A23456789TJQK'[card >> 2]! + 'hcds'[card & 3]!);
      expect(names.join(' ')).toBe(round.cards);
    }
  });

  it('shuffles an Int32Array exactly like a plain array (same draws, same swaps)', () => {
    const a = createRandom({ seed: 42, stream: 54 });
    const b = a.clone();
    const typed = a.shuffle(Int32Array.from({ length: 52 }, (_, i) => i));
    const plain = b.shuffle(Array.from({ length: 52 }, (_, i) => i));
    expect(Array.from(typed)).toEqual(plain);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('fills a buffer exactly like repeated nextUint32 calls (same outputs, same final state)', () => {
    const buffered = createRandom({ seed: 42, stream: 54 });
    const buffer = new Uint32Array(6);
    buffered.fill(buffer, 6);
    expect(Array.from(buffer)).toEqual(referenceRounds[0]!.numbers);
    // Many outputs: every carry pattern of the 64-bit state update occurs.
    for (const seed of [0, 1, 2 ** 53 - 1]) {
      const a = createRandom({ seed, stream: seed % 1000 });
      const b = a.clone();
      const many = new Uint32Array(100_000);
      a.fill(many, many.length);
      const one = Uint32Array.from({ length: many.length }, () => b.nextUint32());
      expect(many).toEqual(one);
      expect(a.getState()).toEqual(b.getState());
    }
  });

  it('has the seeded state of the reference pcg32_srandom_r', () => {
    // check-pcg32.out dumps "multiplier increment state" after seeding: 6364136223846793005 109 1753877967969059832.
    const state = createRandom({ seed: 42, stream: 54 }).getState();
    expect(BigInt(`0x${state.increment}`)).toBe(109n);
    expect(BigInt(`0x${state.state}`)).toBe(1753877967969059832n);
  });

  it('matches an independent Python implementation (exact integers) on seeds and streams up to 2^53', () => {
    for (const vector of fixtures.vectors) {
      const random = createRandom({ seed: vector.seed, stream: vector.stream });
      expect(Array.from({ length: vector.uint32.length }, () => random.nextUint32())).toEqual(
        vector.uint32,
      );
      expect(Array.from({ length: vector.float.length }, () => random.nextFloat())).toEqual(
        vector.float,
      );
      expect(vector.bounds.map((bound) => random.nextInt(bound))).toEqual(vector.bounded);
      expect(random.getState().state).toBe(vector.finalState);
    }
  });

  it('restores a saved state exactly, through JSON', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 40), fc.nat(1000), fc.nat(50), (seed, stream, skip) => {
        const random = createRandom({ seed, stream });
        for (let i = 0; i < skip; i++) random.nextUint32();
        const saved = JSON.parse(JSON.stringify(random.getState()));
        const expected = [random.nextUint32(), random.nextFloat(), random.nextInt(1000)];
        const restored = restoreRandom(saved);
        expect([restored.nextUint32(), restored.nextFloat(), restored.nextInt(1000)]).toEqual(
          expected,
        );
        const other = createRandom({ seed: 1 });
        other.setState(saved);
        expect(other.nextUint32()).toBe(expected[0]);
      }),
      { numRuns: 50 },
    );
  });

  it('gives floats in [0, 1) and integers in range', () => {
    const random = createRandom({ seed: 3 });
    for (let i = 0; i < 2000; i++) {
      const x = random.nextFloat();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const k = random.nextIntInRange(-5, 5);
      expect(k).toBeGreaterThanOrEqual(-5);
      expect(k).toBeLessThan(5);
      const u = random.uniform(2, 3);
      expect(u).toBeGreaterThanOrEqual(2);
      expect(u).toBeLessThan(3);
    }
    expect(random.nextInt(1)).toBe(0);
  });

  it('has no modulo bias: bound 3 * 2^30 is uniform over its three thirds', () => {
    // With r % bound, values in [0, 2^30) would come twice as often as the others.
    const random = createRandom({ seed: 11 });
    const counts = [0, 0, 0];
    const draws = 30_000;
    for (let i = 0; i < draws; i++) counts[Math.floor(random.nextInt(3 * 2 ** 30) / 2 ** 30)]! += 1;
    for (const count of counts) expect(Math.abs(count - draws / 3)).toBeLessThan(600); // > 7 sigma
  });

  it('gives a permutation of 0..n-1', () => {
    const permutation = createRandom({ seed: 5 }).permutation(1000);
    expect(Array.from(permutation).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('derives seeds as a pure function of (seed, key)', () => {
    expect(deriveSeed(42, 3)).toBe(deriveSeed(42, 3));
    expect(deriveSeed(42, 3)).not.toBe(deriveSeed(42, 4));
    const random = createRandom({ seed: 42, stream: 3 });
    expect(deriveSeed(42, 3)).toBe((random.nextUint32() >>> 11) * 2 ** 32 + random.nextUint32());
    expect(Number.isSafeInteger(deriveSeed(2 ** 53 - 1, 2 ** 53 - 1))).toBe(true);
  });

  it('rejects bad seeds and bounds with typed errors', () => {
    expect(() => createRandom({ seed: -1 })).toThrow(InvalidArgumentError);
    expect(() => createRandom({ seed: -1 })).toThrow(
      'createRandom: seed must be an integer >= 0 and <= 9007199254740991, got -1. Use a non-negative safe integer, e.g. 42.',
    );
    expect(() => createRandom({ seed: 1.5 })).toThrow('seed must be an integer');
    expect(() => createRandom({ seed: 1, stream: Number.NaN })).toThrow(
      'createRandom: stream must be an integer',
    );
    const random = createRandom({ seed: 1 });
    expect(() => random.nextInt(0)).toThrow(
      'Random.nextInt: bound must be an integer >= 1 and <= 4294967296, got 0.',
    );
    expect(() => random.nextIntInRange(3, 3)).toThrow(
      'Random.nextIntInRange: high must be an integer >= 4 and <= 4294967299, got 3. high is exclusive',
    );
  });

  it('rejects corrupt states with StateRestoreError', () => {
    const good = createRandom({ seed: 1 }).getState();
    expect(() => restoreRandom({ ...good, algorithm: 'mt19937' as 'pcg32' })).toThrow(
      StateRestoreError,
    );
    expect(() => restoreRandom({ ...good, state: 'xyz' })).toThrow(
      'restoreRandom: state must be 16 lowercase hex digits, got "xyz".',
    );
    expect(() => restoreRandom({ ...good, increment: '0000000000000002' })).toThrow(
      'restoreRandom: increment must be odd',
    );
    expect(() => restoreRandom(null as never)).toThrow(StateRestoreError);
  });
});

describe('xoshiro128** (the bulk generator of the k-fold shuffle)', () => {
  it('reproduces the reference implementation: state [1, 2, 3, 4]', () => {
    // Output of xoshiro128starstar.c (v1.1) as published in rand_xoshiro's reference test.
    const generator = new Xoshiro128(1, 2, 3, 4);
    const outputs = Array.from({ length: 10 }, () => generator.nextUint32());
    expect(outputs).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597,
      4258142804,
    ]);
  });

  it('seeded from PCG32, matches an independent Python implementation', () => {
    for (const vector of fixtures.xoshiro128) {
      const pcg = createRandom({ seed: vector.seed });
      const generator = xoshiroFrom(pcg);
      const again = createRandom({ seed: vector.seed });
      expect(Array.from({ length: 4 }, () => again.nextUint32())).toEqual(vector.state);
      const buffer = new Uint32Array(40);
      generator.fill(buffer, 25);
      generator.fill(buffer.subarray(25), 15);
      expect(Array.from(buffer)).toEqual(vector.uint32);
    }
  });

  it('replaces the all-zero state (which it could never leave) by s0 = 1', () => {
    const zeros = { nextUint32: () => 0 } as unknown as Random;
    const generator = xoshiroFrom(zeros);
    const reference = new Xoshiro128(1, 0, 0, 0);
    const a = Array.from({ length: 8 }, () => generator.nextUint32());
    expect(a).toEqual(Array.from({ length: 8 }, () => reference.nextUint32()));
    expect(a.some((x) => x !== 0)).toBe(true);
  });
});

describe('DrawBuffer', () => {
  it('draws exactly what nextInt draws and leaves the generator in the same state', () => {
    const bounds = [2, 3, 7, 52, 1000, 2 ** 31 + 1, 3 * 2 ** 30, 2 ** 32];
    for (const seed of [0, 5, 2 ** 40]) {
      const buffered = createRandom({ seed, stream: 3 });
      const plain = buffered.clone();
      const draws = new DrawBuffer(buffered);
      const total = 10_000;
      const got: number[] = [];
      const expected: number[] = [];
      for (let i = 0; i < total; i++) {
        const bound = bounds[i % bounds.length]!;
        got.push(draws.bounded(bound, total - i));
        expected.push(plain.nextInt(bound));
      }
      expect(got).toEqual(expected);
      expect(buffered.getState()).toEqual(plain.getState());
    }
  });
});

describe('randomToJSON / randomFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.stats.random',
    version: 1,
    toJSON: randomToJSON,
    fromJSON: randomFromJSON,
    samples: () => {
      const advanced = createRandom({ seed: 2 ** 53 - 1, stream: 7 });
      for (let i = 0; i < 1000; i++) advanced.nextUint32();
      return [createRandom({ seed: 0 }).getState(), advanced.getState()];
    },
  });

  it('restores a generator that continues bit for bit, for any seed, stream and position', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 53 - 1 }),
        fc.nat({ max: 2 ** 53 - 1 }),
        fc.nat({ max: 300 }),
        (seed, stream, draws) => {
          const random = createRandom({ seed, stream });
          for (let i = 0; i < draws; i++) random.nextUint32();
          const resumed = restoreRandom(
            randomFromJSON(JSON.stringify(randomToJSON(random.getState()))),
          );
          for (let i = 0; i < 5; i++) expect(resumed.nextUint32()).toBe(random.nextUint32());
        },
      ),
    );
  });

  it('refuses a malformed word or an even increment, naming the field', () => {
    const good = randomToJSON(createRandom({ seed: 1 }).getState());
    expect(() => randomFromJSON({ ...good, state: 'XYZ' })).toThrow(
      'randomFromJSON: state must be 16 lowercase hex digits, got "XYZ".',
    );
    expect(() => randomFromJSON({ ...good, increment: '0000000000000002' })).toThrow(
      'randomFromJSON: increment must be odd (PCG32 streams always are), got "0000000000000002".',
    );
    expect(() => randomFromJSON({ ...good, algorithm: 'mt19937' })).toThrow(
      'randomFromJSON: algorithm must be one of "pcg32", got "mt19937".',
    );
  });
});
