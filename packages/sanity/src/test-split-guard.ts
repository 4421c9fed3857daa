import { checkArguments, readStateEnvelope, stateEnvelope, TrainkitError } from '@trainkit/core';

const openedMarker = Symbol.for('trainkit.error.TestSplitOpenedError');

/** The test split was already opened once; opening it again would let it leak into development decisions. */
export class TestSplitOpenedError extends TrainkitError {
  readonly [openedMarker] = true;
  override name = 'TestSplitOpenedError';
  /** When it was first opened (ISO 8601). */
  readonly openedAt: string;
  /** Why it was first opened. */
  readonly reason: string;

  constructor(functionName: string, state: { openedAt: string; reason: string; name: string }) {
    super(
      `${functionName}: the ${state.name} split was already opened at ${state.openedAt} (${JSON.stringify(state.reason)}); it can be opened once. Evaluate on the validation split during development; to report a new final model, start a new guard deliberately (and say so in the report).`,
    );
    this.openedAt = state.openedAt;
    this.reason = state.reason;
  }

  /** True for this error from any copy of the package. */
  static override isInstance(error: unknown): error is TestSplitOpenedError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[openedMarker] === true
    );
  }
}

/** The state of a test-split guard: a plain object, persisted with {@link testSplitGuardToJSON}. */
export interface TestSplitGuardState {
  /** What is guarded, e.g. `'test'`. */
  readonly name: string;
  /** A fingerprint of the guarded data ({@link fingerprintRows}), or `null`. */
  readonly fingerprint: string | null;
  /** When it was opened (ISO 8601), or `null` while closed. */
  readonly openedAt: string | null;
  /** Why it was opened, or `null`. */
  readonly reason: string | null;
}

/** The JSON envelope of a {@link TestSplitGuardState}. */
export interface TestSplitGuardJSON extends TestSplitGuardState {
  readonly format: 'trainkit.sanity.test-split-guard';
  readonly version: 1;
}

/**
 * A closed guard: "never touch the test set during development" as state.
 *
 * @param options - `name` (default `'test'`) and the data's `fingerprint` (optional).
 * @returns A closed guard state.
 * @example
 * ```ts
 * let guard = createTestSplitGuard({ fingerprint: fingerprintRows(testImages, 784) });
 * ```
 */
export function createTestSplitGuard(
  options: { name?: string; fingerprint?: string } = {},
): TestSplitGuardState {
  const check = checkArguments('createTestSplitGuard');
  const name = options.name ?? 'test';
  if (typeof name !== 'string' || name === '') check.fail('name', name, 'a non-empty string');
  if (options.fingerprint !== undefined && typeof options.fingerprint !== 'string') {
    check.fail('fingerprint', options.fingerprint, 'a string (fingerprintRows)');
  }
  return { name, fingerprint: options.fingerprint ?? null, openedAt: null, reason: null };
}

/**
 * Opens the test split: returns the opened state, or throws
 * {@link TestSplitOpenedError} if it was opened before (the given state is never
 * changed). With a fingerprint in the state, the data being opened must match
 * it (a different test set is a different guard).
 *
 * @param state - The guard state (restored from disk across runs).
 * @param options - `reason` (required: why the test set is touched now), `fingerprint` of the data (checked against the state's), `now`.
 * @returns The new state, to persist before using the data.
 * @throws TestSplitOpenedError on a second open; InvalidArgumentError on a fingerprint mismatch.
 * @example
 * ```ts
 * guard = openTestSplit(guard, { reason: 'final evaluation of run 12' });
 * writeFileSync('test-guard.json', JSON.stringify(testSplitGuardToJSON(guard)));
 * ```
 */
export function openTestSplit(
  state: TestSplitGuardState,
  options: { reason: string; fingerprint?: string; now?: Date },
): TestSplitGuardState {
  const name = 'openTestSplit';
  const check = checkArguments(name);
  if (typeof state !== 'object' || state === null || typeof state.name !== 'string') {
    check.fail(
      'state',
      state,
      'a test-split guard state',
      'Create one with createTestSplitGuard().',
    );
  }
  const reason = options?.reason;
  if (typeof reason !== 'string' || reason.trim() === '') {
    check.fail(
      'reason',
      reason,
      'a non-empty string',
      'Say why the test split is opened (it is opened once).',
    );
  }
  if (state.openedAt !== null) {
    throw new TestSplitOpenedError(name, {
      name: state.name,
      openedAt: state.openedAt,
      reason: state.reason ?? '',
    });
  }
  if (
    options.fingerprint !== undefined &&
    state.fingerprint !== null &&
    options.fingerprint !== state.fingerprint
  ) {
    check.fail(
      'fingerprint',
      options.fingerprint,
      `the guarded data's fingerprint ${state.fingerprint}`,
      'This is not the test split this guard protects.',
    );
  }
  const now = options.now ?? new Date();
  return { ...state, openedAt: now.toISOString(), reason };
}

/**
 * A guard around the data itself: `open(reason)` returns the test data once
 * (loading it lazily), and every later `open` throws. `state` is the current
 * state to persist; `onChange` is called with the opened state before the data
 * is returned, so that a crash after opening still counts as opened.
 *
 * @param load - Returns the test data (called once, on the first open).
 * @param options - `state` (default: a closed guard), `onChange`.
 * @returns `{ open(reason), state }`.
 * @example
 * ```ts
 * const test = guardTestSplit(() => loadMnist({ split: 'test' }), { state, onChange: save });
 * const data = await test.open('final evaluation');
 * ```
 */
export function guardTestSplit<T>(
  load: () => T,
  options: { state?: TestSplitGuardState; onChange?: (state: TestSplitGuardState) => void } = {},
): { open(reason: string): T; readonly state: TestSplitGuardState } {
  const check = checkArguments('guardTestSplit');
  check.callable('load', load);
  let state = options.state ?? createTestSplitGuard();
  return {
    open(reason: string) {
      state = openTestSplit(state, { reason });
      options.onChange?.(state);
      return load();
    },
    get state() {
      return state;
    },
  };
}

const guardFormat = 'trainkit.sanity.test-split-guard';

/**
 * The guard state as a JSON-safe envelope.
 *
 * @param state - The state.
 * @returns `{ format: 'trainkit.sanity.test-split-guard', version: 1, ...state }`.
 * @example
 * ```ts
 * JSON.stringify(testSplitGuardToJSON(guard));
 * ```
 */
export function testSplitGuardToJSON(state: TestSplitGuardState): TestSplitGuardJSON {
  return stateEnvelope(guardFormat, 1 as const, {
    name: state.name,
    fingerprint: state.fingerprint,
    openedAt: state.openedAt,
    reason: state.reason,
  });
}

/**
 * Restores a guard state, validating every field.
 *
 * @param json - The parsed JSON.
 * @returns The state.
 * @throws StateRestoreError naming the field.
 * @example
 * ```ts
 * const guard = testSplitGuardFromJSON(JSON.parse(readFileSync('test-guard.json', 'utf8')));
 * ```
 */
export function testSplitGuardFromJSON(json: unknown): TestSplitGuardState {
  const read = readStateEnvelope('testSplitGuardFromJSON', json, {
    format: guardFormat,
    version: 1,
    writer: 'testSplitGuardToJSON',
  });
  const name = read.string('name', { nonEmpty: true });
  const nullableString = (field: string): string | null => {
    const value = read.value(field);
    if (value === null) return null;
    if (typeof value !== 'string') return read.fail(field, 'a string or null', value);
    return value;
  };
  const fingerprint = nullableString('fingerprint');
  const openedAt = nullableString('openedAt');
  const reason = nullableString('reason');
  if (openedAt !== null && Number.isNaN(Date.parse(openedAt))) {
    read.fail('openedAt', 'an ISO 8601 date or null', openedAt);
  }
  if ((openedAt === null) !== (reason === null)) {
    read.fail(
      'reason',
      `${openedAt === null ? 'null' : 'a string'} like openedAt (both set when opened, both null when closed)`,
      reason,
    );
  }
  return { name, fingerprint, openedAt, reason };
}
