import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A JSON number that may be NaN / Infinity (written as strings by generate.py). */
export type FixtureNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function num(value: FixtureNumber | null | undefined): number {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value !== 'number') throw new Error(`fixture value is not a number: ${value}`);
  return value;
}

export interface PrfsFixture {
  labels: 'present' | 'all';
  zeroDivision: 'warn' | 0 | 1;
  beta: number;
  average: null | 'micro' | 'macro' | 'weighted' | 'binary';
  precision: FixtureNumber | FixtureNumber[];
  recall: FixtureNumber | FixtureNumber[];
  fScore: FixtureNumber | FixtureNumber[];
  support: FixtureNumber[] | null;
}

export interface SklearnCase {
  name: string;
  numClasses: number;
  yTrue: number[];
  yPred: number[];
  sampleWeight: number[] | null;
  confusionMatrix: Record<'None' | 'true' | 'pred' | 'all', number[][]>;
  accuracy: number;
  precisionRecallFscoreSupport: PrfsFixture[];
  balancedAccuracy: { plain: FixtureNumber; adjusted: FixtureNumber };
  cohenKappa: {
    labels: 'present' | 'all';
    weights: null | 'linear' | 'quadratic';
    value: FixtureNumber;
  }[];
  matthewsCorrelation: number;
  classificationReport: {
    digits: number;
    labels: 'present' | 'all';
    classNames: string[] | null;
    zeroDivision: 'warn' | 1;
    text: string;
  }[];
  topK: {
    scores: number[][];
    results: { k: number; weighted: boolean; normalized: number; count: number }[];
  }[];
}

export function loadSklearnFixture(): { sklearn: string; cases: SklearnCase[] } {
  const path = fileURLToPath(new URL('../fixtures/sklearn-classification.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Relative-or-absolute closeness with NaN equal to NaN. */
export function close(actual: number, expected: number, tolerance = 1e-12): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

export interface TieReportCase {
  numClasses: number;
  yTrue: number[];
  yPred: number[];
  sampleWeight: number[] | null;
  digits: number;
  zeroDivision: 'warn' | 0 | 1;
  precision: number[];
  recall: number[];
  fScore: number[];
  averages: Record<'micro' | 'macro' | 'weighted', [number, number, number]>;
  text: string;
}

/** fixtures/python-ties.json, written by fixtures/generate_ties.py. */
export function loadTieFixture(): {
  sklearn: string;
  format: [number, number, string][];
  reports: TieReportCase[];
} {
  const path = fileURLToPath(new URL('../fixtures/python-ties.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8'));
}
