import type { DiagnosisRule } from './rule';
import { divergenceRule } from './rules/divergence';
import { generalizationGapRule } from './rules/generalization-gap';
import { idealRule } from './rules/ideal';
import { insufficientDataRule } from './rules/insufficient-data';
import { noisyRule } from './rules/noisy';
import { overfittingRule } from './rules/overfitting';
import { slowStartRule } from './rules/slow-start';
import { trainingEvaluationDisagreesRule } from './rules/training-evaluation-disagrees';
import { trainingNotFallingRule } from './rules/training-not-falling';
import { underfittingRule } from './rules/underfitting';
import { validationBetterThanTrainingRule } from './rules/validation-better-than-training';
import { validationNotFallingRule } from './rules/validation-not-falling';

/**
 * The diagnosis rules in the order they run; the order is the documented
 * precedence (a rule's `unless` names earlier rules; `final` rules end the
 * diagnosis). Adding a rule: one module in `rules/`, one line here.
 */
export const diagnosisRules: readonly DiagnosisRule[] = [
  divergenceRule,
  insufficientDataRule,
  trainingNotFallingRule,
  noisyRule,
  slowStartRule,
  overfittingRule,
  validationNotFallingRule,
  underfittingRule,
  validationBetterThanTrainingRule,
  trainingEvaluationDisagreesRule,
  generalizationGapRule,
  idealRule,
] as readonly DiagnosisRule[];
