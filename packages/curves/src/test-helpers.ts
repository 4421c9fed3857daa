/**
 * Synthetic learning curves for tests: each scenario is built to show one
 * verdict (or none besides it). Deterministic for a seed. Test-only (not
 * exported by the package).
 */

import { gaussian, seededRandom } from '../../../random.shared';
import {
  createHistory,
  recordTraining,
  recordTrainingEvaluation,
  recordValidation,
  type TrainingHistory,
} from './history';

export interface CurveSpec {
  readonly iterations: number;
  readonly train: (t: number) => number;
  readonly validation?: (t: number) => number;
  readonly validationEvery?: number;
  readonly trainingEvaluation?: (t: number) => number;
  readonly trainingEvaluationEvery?: number;
  /** Multiplicative noise (relative standard deviation) on every point. Default 0.03. */
  readonly relativeNoise?: number;
  /** Additive noise standard deviation on training points. Default 0. */
  readonly additiveNoise?: number;
}

export interface NoiseOptions {
  readonly seed: number;
  /** Extra multiplicative noise added on top of the scenario's own. Default 0. */
  readonly extraRelativeNoise?: number;
}

export function buildHistory(spec: CurveSpec, noise: NoiseOptions): TrainingHistory {
  const normal = gaussian(seededRandom(noise.seed));
  const relative = spec.relativeNoise ?? 0.03;
  const extra = noise.extraRelativeNoise ?? 0;
  const jitter = (value: number) => value * (1 + relative * normal()) * (1 + extra * normal());
  const history = createHistory({ name: `seed ${noise.seed}` });
  for (let t = 0; t < spec.iterations; t++) {
    const clean = spec.train(t);
    const value = Number.isFinite(clean)
      ? jitter(clean) + (spec.additiveNoise ?? 0) * normal()
      : clean;
    recordTraining(history, t, value);
  }
  const every = spec.validationEvery ?? 50;
  if (spec.validation !== undefined) {
    for (let t = every; t <= spec.iterations; t += every) {
      const clean = spec.validation(t);
      recordValidation(history, t, Number.isFinite(clean) ? jitter(clean) : clean);
    }
  }
  if (spec.trainingEvaluation !== undefined) {
    const evaluationEvery = spec.trainingEvaluationEvery ?? 100;
    for (let t = evaluationEvery; t <= spec.iterations; t += evaluationEvery) {
      recordTrainingEvaluation(history, t, spec.trainingEvaluation(t) * (1 + 0.01 * normal()));
    }
  }
  return history;
}

const fastFall = (floor: number) => (t: number) => floor + 2 * Math.exp(-t / 100);

/** Scenario name -> the curve and the exact set of verdict kinds it must produce. */
export const scenarios = {
  ideal: {
    spec: { iterations: 1000, train: fastFall(0.3), validation: fastFall(0.32) },
    expected: ['ideal'],
  },
  underfitting: {
    spec: {
      iterations: 1000,
      train: (t: number) => 0.3 + 2 * Math.exp(-t / 800),
      validation: (t: number) => 0.32 + 2 * Math.exp(-t / 800),
    },
    expected: ['underfitting'],
  },
  overfitting: {
    spec: {
      iterations: 1000,
      train: (t: number) => 0.05 + 2.25 * Math.exp(-t / 150),
      validation: (t: number) => 0.5 + 1.8 * Math.exp(-t / 150) + 0.0008 * Math.max(0, t - 300),
      validationEvery: 25,
    },
    expected: ['overfitting'],
  },
  trainingNotFalling: {
    spec: { iterations: 1000, train: () => 2.3, validation: () => 2.3 },
    expected: ['training-not-falling'],
  },
  validationNotFalling: {
    spec: { iterations: 1000, train: fastFall(0.3), validation: () => 2.3 },
    expected: ['validation-not-falling'],
  },
  validationBetterThanTraining: {
    spec: { iterations: 1000, train: fastFall(0.6), validation: fastFall(0.45) },
    expected: ['validation-better-than-training'],
  },
  trainingEvaluationDisagrees: {
    spec: {
      iterations: 1000,
      train: fastFall(0.3),
      validation: fastFall(0.32),
      trainingEvaluation: (t: number) => 2 * fastFall(0.3)(t),
    },
    expected: ['training-evaluation-disagrees'],
  },
  slowStart: {
    spec: {
      iterations: 1000,
      train: (t: number) => (t < 300 ? 2.3 : 0.3 + 2 * Math.exp(-(t - 300) / 60)),
      validation: (t: number) => (t < 300 ? 2.32 : 0.32 + 2 * Math.exp(-(t - 300) / 60)),
    },
    expected: ['slow-start'],
  },
  divergenceNaN: {
    spec: {
      iterations: 1000,
      train: (t: number) => (t < 600 ? fastFall(0.3)(t) : Number.NaN),
      validation: (t: number) => (t < 600 ? fastFall(0.32)(t) : Number.NaN),
    },
    expected: ['divergence'],
  },
  divergenceExplosion: {
    spec: {
      iterations: 1000,
      train: (t: number) => (t < 300 ? fastFall(0.8)(t) : 0.8 * Math.exp((t - 300) / 200)),
      validation: (t: number) => (t < 300 ? fastFall(0.85)(t) : 0.85 * Math.exp((t - 300) / 200)),
    },
    expected: ['divergence'],
  },
  noisy: {
    spec: {
      iterations: 4000,
      train: (t: number) => 1 + 0.5 * Math.exp(-t / 400),
      relativeNoise: 0,
      additiveNoise: 0.2,
    },
    expected: ['noisy'],
  },
} satisfies Record<string, { spec: CurveSpec; expected: string[] }>;
