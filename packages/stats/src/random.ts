import {
  checkArguments,
  readStateEnvelope,
  type StateEnvelope,
  StateRestoreError,
  stateEnvelope,
} from '@trainkit/core';

/**
 * The state of a {@link Random} generator: plain JSON, restored bit for bit
 * by {@link restoreRandom} or {@link Random.setState}; {@link randomToJSON}
 * and {@link randomFromJSON} write and read it in the versioned envelope.
 *
 * `state` and `increment` are the two 64-bit words of PCG32 as 16 lowercase
 * hexadecimal digits (the same numbers the reference C code keeps in
 * `pcg32_random_t.state` and `.inc`).
 */
export interface RandomState {
  readonly algorithm: 'pcg32';
  /** The 64-bit LCG state, 16 hex digits. */
  readonly state: string;
  /** The 64-bit odd increment (selects the stream), 16 hex digits. */
  readonly increment: string;
}

/** Options of {@link createRandom}. */
export interface RandomOptions {
  /** Seed: a safe integer in [0, 2^53). PCG32's `initstate`. */
  readonly seed: number;
  /**
   * Stream selector: a safe integer in [0, 2^53), default 0. PCG32's `initseq`;
   * two generators with the same seed and different streams give different
   * sequences.
   */
  readonly stream?: number;
}

/** An array a {@link Random} can shuffle in place: any typed array or JS array. */
export interface ShuffleableArray<T> {
  length: number;
  [index: number]: T;
}

/**
 * A seeded pseudo-random generator (PCG32, see {@link createRandom}) with
 * explicit, serializable state.
 *
 * Every method advances the state; the same seed and the same calls give the
 * same numbers on every platform and JavaScript engine (only 32-bit integer
 * and exactly representable float arithmetic is used).
 */
export interface Random {
  /** The algorithm, `'pcg32'`. */
  readonly algorithm: 'pcg32';
  /** The next raw 32-bit output, an integer in [0, 2^32). One draw. */
  nextUint32(): number;
  /**
   * Writes the next `count` raw outputs into `target[0..count)`, exactly as
   * `count` calls of {@link Random.nextUint32} would (same numbers, same
   * final state), several times faster: the bulk path of the splits.
   */
  fill(target: Uint32Array, count: number): void;
  /**
   * A float uniform in [0, 1) with 53 random bits:
   * `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53` from two draws `a`, `b`
   * (the `genrand_res53` construction of the Mersenne Twister reference code).
   */
  nextFloat(): number;
  /** A float uniform in [low, high): `low + (high - low) * nextFloat()`. */
  uniform(low: number, high: number): number;
  /**
   * An integer uniform in [0, bound) without modulo bias, by rejection: draws
   * below `2^32 mod bound` are discarded, the first other draw `r` gives
   * `r % bound` (`pcg32_boundedrand_r` of the PCG reference code, so the
   * results equal the published pcg32-demo "Coins" and "Rolls").
   *
   * @param bound - An integer in [1, 2^32].
   */
  nextInt(bound: number): number;
  /**
   * An integer uniform in [low, high) (numpy's `integers(low, high)`
   * convention), `low + nextInt(high - low)`.
   *
   * @param low - A safe integer.
   * @param high - A safe integer with `1 <= high - low <= 2^32`.
   */
  nextIntInRange(low: number, high: number): number;
  /**
   * Shuffles `array` in place with the Fisher-Yates algorithm and returns it:
   * for `i` from `length` down to 2, swap element `i - 1` with element
   * `nextInt(i)`. This is the card deal of the pcg32-demo reference program,
   * so a deck of 52 shuffles to its published output. `length - 1` draws
   * (more only on the rare rejections of {@link Random.nextInt}).
   */
  shuffle<A extends ShuffleableArray<unknown>>(array: A): A;
  /** A random permutation of 0..n-1: `shuffle` applied to `[0, 1, ..., n-1]`. */
  permutation(n: number): Int32Array;
  /** A snapshot of the state (plain JSON). */
  getState(): RandomState;
  /** Replaces the state with `state`; the following draws continue exactly from it. */
  setState(state: RandomState): void;
  /** An independent generator with the same state. */
  clone(): Random;
}

// PCG32 multiplier 6364136223846793005 = 0x5851f42d_4c957f2d.
const multiplierHigh = 0x5851f42d;
const multiplierLow = 0x4c957f2d;
const two32 = 4294967296;
const twoToMinus32 = 2 ** -32;
const maxSeed = 2 ** 53;

/**
 * The carry out of the 32-bit addition `a + b` whose low word is `sum`, as 0
 * or 1 (the top bit of `(a & b) | ((a | b) & ~sum)`). Branch-free: the carry
 * of the PCG32 state update is a coin flip, and a branch on it would be
 * mispredicted half of the time.
 */
function carryOut(a: number, b: number, sum: number): number {
  return ((a & b) | ((a | b) & ~sum)) >>> 31;
}

/**
 * PCG32 (PCG-XSH-RR 64/32) on 32-bit words. The state lives in an Int32Array
 * (no boxed numbers in the hot loop). The 64-bit state product is exact
 * without BigInt: its low word is `Math.imul(low, multiplierLow)`, its high
 * words come from `Math.imul` except for the carry part `mulhi(low,
 * multiplierLow)`, which is `round((low * multiplierLow - productLow) /
 * 2^32)` in doubles: the double product (< 2^63) and the subtraction are each
 * off by at most 2^9, so the quotient is within 2^-22 of the exact integer
 * and rounding recovers it. The output is therefore engine-independent.
 */
class Pcg32 implements Random, BulkSource {
  readonly algorithm = 'pcg32' as const;
  /** [state high, state low, increment high, increment low], as int32. */
  private readonly words = new Int32Array(4);

  constructor(stateHigh: number, stateLow: number, incrementHigh: number, incrementLow: number) {
    this.words[0] = stateHigh;
    this.words[1] = stateLow;
    this.words[2] = incrementHigh;
    this.words[3] = incrementLow;
  }

  /** state += (high, low) (mod 2^64): the seeding step of `pcg32_srandom_r`. */
  addToState(high: number, low: number): void {
    const words = this.words;
    const sumLow = (words[1]! >>> 0) + low;
    words[1] = sumLow | 0;
    words[0] = ((words[0]! >>> 0) + high + (sumLow >= two32 ? 1 : 0)) | 0;
  }

  nextUint32(): number {
    const words = this.words;
    const high = words[0]!;
    const low = words[1]!;
    // state = state * multiplier + increment (mod 2^64), see productHigh().
    const productLow = Math.imul(low, multiplierLow);
    const productHigh = Math.round(
      ((low >>> 0) * multiplierLow - (productLow >>> 0)) * twoToMinus32,
    );
    const incrementLow = words[3]!;
    const sumLow = (productLow + incrementLow) | 0;
    words[1] = sumLow;
    words[0] =
      (productHigh +
        Math.imul(high, multiplierLow) +
        Math.imul(low, multiplierHigh) +
        words[2]! +
        carryOut(productLow, incrementLow, sumLow)) |
      0;
    // Output of the old state: rotr32(((old >> 18) ^ old) >> 27, old >> 59).
    const xorHigh = high ^ (high >>> 18);
    const xorLow = low ^ ((low >>> 18) | (high << 14));
    const xorshifted = (xorLow >>> 27) | (xorHigh << 5);
    const rotation = high >>> 27;
    return ((xorshifted >>> rotation) | (xorshifted << (-rotation & 31))) >>> 0;
  }

  /**
   * Writes the next `count` outputs into `target[0..count)`, exactly as
   * `count` calls of {@link nextUint32} would (same numbers, same final
   * state), with the state in local variables for speed.
   */
  fill(target: Uint32Array, count: number): void {
    const words = this.words;
    let high = words[0]!;
    let low = words[1]!;
    const incrementHigh = words[2]!;
    const incrementLow = words[3]!;
    for (let i = 0; i < count; i++) {
      const productLow = Math.imul(low, multiplierLow);
      const productHigh = Math.round(
        ((low >>> 0) * multiplierLow - (productLow >>> 0)) * twoToMinus32,
      );
      const sumLow = (productLow + incrementLow) | 0;
      const nextHigh =
        (productHigh +
          Math.imul(high, multiplierLow) +
          Math.imul(low, multiplierHigh) +
          incrementHigh +
          carryOut(productLow, incrementLow, sumLow)) |
        0;
      const xorHigh = high ^ (high >>> 18);
      const xorLow = low ^ ((low >>> 18) | (high << 14));
      const xorshifted = (xorLow >>> 27) | (xorHigh << 5);
      const rotation = high >>> 27;
      target[i] = (xorshifted >>> rotation) | (xorshifted << (-rotation & 31));
      high = nextHigh;
      low = sumLow;
    }
    words[0] = high;
    words[1] = low;
  }

  nextFloat(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat();
  }

  nextInt(bound: number): number {
    if (!(bound >= 1 && bound <= two32 && Number.isInteger(bound))) {
      checkArguments('Random.nextInt').integer('bound', bound, { min: 1, max: two32 });
    }
    return this.bounded(bound);
  }

  /** Unchecked `nextInt` for internal hot loops; `bound` in [1, 2^32]. */
  bounded(bound: number): number {
    const r = this.nextUint32();
    // threshold = 2^32 mod bound < bound, so r >= bound is always accepted:
    // the modulo for the threshold is only needed for the rare small r.
    // r - floor(r / bound) * bound is r % bound exactly (r < 2^53) and avoids fmod.
    if (r >= bound) return r - Math.floor(r / bound) * bound;
    const threshold = (two32 - bound) % bound;
    if (r >= threshold) return r;
    for (;;) {
      const next = this.nextUint32();
      if (next >= threshold) return next % bound;
    }
  }

  nextIntInRange(low: number, high: number): number {
    const check = checkArguments('Random.nextIntInRange');
    check.integer('low', low);
    check.integer('high', high, {
      min: low + 1,
      max: low + two32,
      fix: 'high is exclusive and high - low must be between 1 and 2^32.',
    });
    return low + this.bounded(high - low);
  }

  shuffle<A extends ShuffleableArray<unknown>>(array: A): A {
    if (array instanceof Int32Array) {
      shuffleInt32(this, array, array.length);
      return array;
    }
    for (let i = array.length; i > 1; i--) {
      const j = this.bounded(i);
      const value = array[j];
      array[j] = array[i - 1];
      array[i - 1] = value;
    }
    return array;
  }

  permutation(n: number): Int32Array {
    checkArguments('Random.permutation').integer('n', n, { min: 0, max: 2 ** 31 - 1 });
    const result = new Int32Array(n);
    for (let i = 0; i < n; i++) result[i] = i;
    shuffleInt32(this, result, n);
    return result;
  }

  getState(): RandomState {
    const words = this.words;
    return {
      algorithm: 'pcg32',
      state: toHex64(words[0]!, words[1]!),
      increment: toHex64(words[2]!, words[3]!),
    };
  }

  setState(state: RandomState): void {
    const [stateHigh, stateLow, incrementHigh, incrementLow] = parseState('Random.setState', state);
    this.words.set([stateHigh, stateLow, incrementHigh, incrementLow]);
  }

  clone(): Random {
    const words = this.words;
    return new Pcg32(words[0]!, words[1]!, words[2]!, words[3]!);
  }
}

/**
 * A source of raw 32-bit outputs in bulk: a {@link Random} or an
 * {@link Xoshiro128}.
 *
 * @example
 * ```ts
 * const words = new Uint32Array(1024);
 * const source: BulkSource = xoshiroFrom(createRandom({ seed: 1 }));
 * source.fill(words, words.length);
 * ```
 */
export interface BulkSource {
  /** Writes the next `count` outputs into `target[0..count)`. */
  fill(target: Uint32Array, count: number): void;
}

/**
 * xoshiro128** 1.1 (D. Blackman and S. Vigna, "Scrambled Linear Pseudorandom
 * Number Generators", ACM TOMS 47(4), 2021; reference code
 * https://prng.di.unimi.it/xoshiro128starstar.c): 128 bits of state, 32-bit
 * outputs `rotl(s1 * 5, 7) * 9`, passes BigCrush. Only 32-bit integer
 * operations (`Math.imul`, shifts, xor), so it is exact on every engine and
 * about five times faster in JavaScript than PCG32, whose 64-bit state
 * product must be emulated. Used internally for bulk draws (the fold digits
 * of the k-fold shuffle), seeded from PCG32 by {@link xoshiroFrom}; the
 * general-purpose generator stays PCG32 ({@link createRandom}), whose state
 * is serializable.
 *
 * @example
 * ```ts
 * const xoshiro = new Xoshiro128(1, 2, 3, 4); // the state s0..s3 (not all zero)
 * xoshiro.nextUint32(); // 11520, the reference code's first output
 * ```
 */
export class Xoshiro128 implements BulkSource {
  private readonly words = new Int32Array(4);

  /**
   * @param s0 - State word 0 (as int32 or uint32).
   * @param s1 - State word 1.
   * @param s2 - State word 2.
   * @param s3 - State word 3; the four must not all be 0.
   */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.words[0] = s0;
    this.words[1] = s1;
    this.words[2] = s2;
    this.words[3] = s3;
  }

  /** Writes the next `count` outputs into `target[0..count)`. */
  fill(target: Uint32Array, count: number): void {
    const words = this.words;
    let s0 = words[0]!;
    let s1 = words[1]!;
    let s2 = words[2]!;
    let s3 = words[3]!;
    for (let i = 0; i < count; i++) {
      const m = Math.imul(s1, 5);
      target[i] = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    words[0] = s0;
    words[1] = s1;
    words[2] = s2;
    words[3] = s3;
  }

  /** The next output, an integer in [0, 2^32). */
  nextUint32(): number {
    const one = new Uint32Array(1);
    this.fill(one, 1);
    return one[0]!;
  }
}

/**
 * xoshiro128** whose state is the next four outputs of `random` (a PCG32),
 * in order s0..s3. The all-zero state, which xoshiro cannot leave (four zero
 * outputs in a row, probability 2^-128), is replaced by s0 = 1.
 *
 * @param random - The PCG32 generator (advanced by four draws).
 * @returns A new xoshiro128** generator.
 * @example
 * ```ts
 * const digits = xoshiroFrom(createRandom({ seed: 42 }));
 * ```
 */
export function xoshiroFrom(random: Random): Xoshiro128 {
  const s0 = random.nextUint32();
  const s1 = random.nextUint32();
  const s2 = random.nextUint32();
  const s3 = random.nextUint32();
  return new Xoshiro128((s0 | s1 | s2 | s3) === 0 ? 1 : s0, s1, s2, s3);
}

/**
 * Fisher-Yates on the first `length` elements of an Int32Array (the hot path
 * of every split). Same draws and swaps as {@link Random.shuffle}.
 */
function shuffleInt32(random: Random, array: Int32Array, length: number): void {
  const draws = new DrawBuffer(random);
  for (let i = length; i > 1; i--) {
    const j = draws.bounded(i, i - 1);
    const value = array[j]!;
    array[j] = array[i - 1]!;
    array[i - 1] = value;
  }
}

/**
 * Buffered bounded draws: PCG32 outputs generated in blocks, consumed exactly
 * like {@link Random.nextInt}. A block never holds more outputs than the
 * caller still needs at minimum (`atLeast`: each remaining step needs one
 * draw), so the generator ends in exactly the state the unbuffered calls
 * would leave. For loops that draw millions of bounded integers (the
 * stratified splits).
 *
 * @example
 * ```ts
 * const random = createRandom({ seed: 7 });
 * const draws = new DrawBuffer(random);
 * for (let i = n; i > 1; i--) swap(i - 1, draws.bounded(i, i - 1)); // a Fisher-Yates shuffle
 * ```
 */
export class DrawBuffer {
  /** The generator the draws come from. */
  readonly generator: Random;
  private readonly buffer = new Uint32Array(4096);
  private cursor = 0;
  private available = 0;

  /** @param random - The generator; use only this buffer to draw from it until the loop ends. */
  constructor(random: Random) {
    this.generator = random;
  }

  /**
   * `nextInt(bound)` without argument checks: an integer uniform in [0, bound).
   *
   * @param bound - An integer in [1, 2^32].
   * @param atLeast - A lower bound of the draws still to come, this one included (>= 1).
   * @returns The draw.
   */
  bounded(bound: number, atLeast: number): number {
    for (;;) {
      if (this.cursor === this.available) {
        this.available = Math.min(this.buffer.length, atLeast);
        this.generator.fill(this.buffer, this.available);
        this.cursor = 0;
      }
      const r = this.buffer[this.cursor++]!;
      if (r >= bound) return r - Math.floor(r / bound) * bound;
      if (r >= (two32 - bound) % bound) return r;
    }
  }
}

function toHex64(high: number, low: number): string {
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

function parseState(functionName: string, state: unknown): [number, number, number, number] {
  const record = state as Partial<Record<keyof RandomState, unknown>> | null;
  if (typeof record !== 'object' || record === null) {
    throw new StateRestoreError(
      functionName,
      `expected a RandomState object like {"algorithm":"pcg32","state":"…","increment":"…"}, got ${String(state)}.`,
    );
  }
  if (record.algorithm !== 'pcg32') {
    throw new StateRestoreError(
      functionName,
      `expected algorithm "pcg32", got ${JSON.stringify(record.algorithm)}. Pass a state saved by Random.getState().`,
    );
  }
  const words: number[] = [];
  for (const key of ['state', 'increment'] as const) {
    const text = record[key];
    if (typeof text !== 'string' || !/^[0-9a-f]{16}$/.test(text)) {
      throw new StateRestoreError(
        functionName,
        `${key} must be 16 lowercase hex digits, got ${JSON.stringify(text)}. Pass a state saved by Random.getState().`,
      );
    }
    words.push(Number.parseInt(text.slice(0, 8), 16), Number.parseInt(text.slice(8), 16));
  }
  if ((words[3]! & 1) === 0) {
    throw new StateRestoreError(
      functionName,
      `increment must be odd (PCG32 streams always are), got "${record.increment as string}". The state is corrupted.`,
    );
  }
  return words as [number, number, number, number];
}

/**
 * Creates a seeded PCG32 generator.
 *
 * **Algorithm.** PCG32 is PCG-XSH-RR with 64-bit state and 32-bit output
 * (M. E. O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically
 * Good Algorithms for Random Number Generation", HMC-CS-2014-0905,
 * https://www.pcg-random.org). Seeding is the reference `pcg32_srandom_r(seed,
 * stream)`. Why PCG32: it passes TestU01 BigCrush, its state is two 64-bit
 * words (small to checkpoint), its arithmetic maps exactly onto 32-bit
 * JavaScript integers (identical output on every engine), and its reference
 * program pcg32-demo publishes test vectors for raw outputs, bounded integers
 * and a Fisher-Yates card shuffle; the tests check all three against
 * `pcg-c/test-high/expected/check-pcg32.out` (seed 42, stream 54).
 * Not cryptographically secure.
 *
 * @param options - `seed` and optional `stream`, safe integers in [0, 2^53).
 * @returns A {@link Random} whose state is explicit and serializable.
 *
 * @example
 * ```ts
 * const random = createRandom({ seed: 42, stream: 54 });
 * random.nextUint32(); // 0xa15c02b7, the first pcg32-demo output
 * const saved = random.getState(); // JSON, store it in a checkpoint
 * const resumed = restoreRandom(saved);
 * resumed.nextFloat() === random.nextFloat(); // true
 * ```
 */
export function createRandom(options: RandomOptions): Random {
  const check = checkArguments('createRandom');
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an object like { seed: 42 }');
  }
  const fix = 'Use a non-negative safe integer, e.g. 42.';
  const seed = check.integer('seed', options.seed, { min: 0, max: maxSeed - 1, fix });
  const stream = check.integer('stream', options.stream ?? 0, {
    min: 0,
    max: maxSeed - 1,
    fix,
  });
  const streamHigh = Math.floor(stream / two32);
  const streamLow = stream % two32;
  // increment = (initseq << 1) | 1
  const incrementHigh = ((streamHigh << 1) | (streamLow >>> 31)) >>> 0;
  const incrementLow = ((streamLow << 1) | 1) >>> 0;
  const generator = new Pcg32(0, 0, incrementHigh, incrementLow);
  generator.nextUint32();
  generator.addToState(Math.floor(seed / two32), seed % two32);
  generator.nextUint32();
  return generator;
}

/**
 * Recreates a generator from a state saved with {@link Random.getState}; the
 * next draws are exactly those the saved generator would have made.
 *
 * @throws StateRestoreError when the state is not a valid PCG32 state.
 *
 * @example
 * ```ts
 * const random = createRandom({ seed: 7 });
 * const checkpoint = JSON.stringify(random.getState());
 * const restored = restoreRandom(JSON.parse(checkpoint));
 * ```
 */
export function restoreRandom(state: RandomState): Random {
  const [stateHigh, stateLow, incrementHigh, incrementLow] = parseState('restoreRandom', state);
  return new Pcg32(stateHigh, stateLow, incrementHigh, incrementLow);
}

/**
 * Derives an independent seed from a seed and a key (an epoch, a repetition,
 * a trial number): a pure function, so "the order of epoch e" or "the folds of
 * repetition r" depend only on `(seed, key)`.
 *
 * Definition: the first two outputs `a`, `b` of PCG32 seeded with `seed` on
 * stream `key` give `(a >>> 11) * 2^32 + b`, a safe integer in [0, 2^53).
 *
 * @param seed - A safe integer in [0, 2^53).
 * @param key - A safe integer in [0, 2^53).
 * @returns A seed for {@link createRandom}.
 *
 * @example
 * ```ts
 * const epochRandom = createRandom({ seed: deriveSeed(42, epoch) });
 * ```
 */
export function deriveSeed(seed: number, key: number): number {
  const check = checkArguments('deriveSeed');
  const fix = 'Use a non-negative safe integer.';
  check.integer('seed', seed, { min: 0, max: maxSeed - 1, fix });
  check.integer('key', key, { min: 0, max: maxSeed - 1, fix });
  const generator = createRandom({ seed, stream: key });
  const a = generator.nextUint32() >>> 11;
  const b = generator.nextUint32();
  return a * two32 + b;
}

const RANDOM_FORMAT = 'trainkit.stats.random' as const;
const hex64 = /^[0-9a-f]{16}$/;

/** The serialized form written by {@link randomToJSON}. */
export interface RandomJSON extends StateEnvelope<typeof RANDOM_FORMAT, 1> {
  readonly algorithm: 'pcg32';
  readonly state: string;
  readonly increment: string;
}

/**
 * Wraps a generator's state (from {@link Random.getState}) in the versioned
 * envelope `{ format: 'trainkit.stats.random', version: 1, algorithm, state, increment }`.
 *
 * @param state - A {@link RandomState}.
 * @returns A JSON-safe object.
 * @example
 * ```ts
 * const saved = JSON.stringify(randomToJSON(random.getState()));
 * const resumed = restoreRandom(randomFromJSON(saved));
 * ```
 */
export function randomToJSON(state: RandomState): RandomJSON {
  return stateEnvelope(RANDOM_FORMAT, 1, {
    algorithm: state.algorithm,
    state: state.state,
    increment: state.increment,
  });
}

/**
 * Reads a state written by {@link randomToJSON} (the object, its JSON round
 * trip or its JSON text) and checks it: `pcg32`, two 16-digit lowercase hex
 * words, an odd increment.
 *
 * @param json - What {@link randomToJSON} returned.
 * @returns The {@link RandomState}, for {@link restoreRandom} or {@link Random.setState}.
 * @throws StateRestoreError naming the field for anything else.
 * @example
 * ```ts
 * const random = restoreRandom(randomFromJSON(JSON.parse(text)));
 * ```
 */
export function randomFromJSON(json: unknown): RandomState {
  const read = readStateEnvelope('randomFromJSON', json, {
    format: RANDOM_FORMAT,
    version: 1,
    writer: 'randomToJSON',
  });
  const algorithm = read.oneOf('algorithm', ['pcg32'] as const);
  const state = read.string('state');
  if (!hex64.test(state)) read.fail('state', '16 lowercase hex digits', state);
  const increment = read.string('increment');
  if (!hex64.test(increment)) read.fail('increment', '16 lowercase hex digits', increment);
  if ((Number.parseInt(increment.slice(8), 16) & 1) === 0) {
    read.fail('increment', 'odd (PCG32 streams always are)', increment);
  }
  return { algorithm, state, increment };
}
