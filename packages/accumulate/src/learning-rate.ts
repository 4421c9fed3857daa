import type { Optimizer } from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';

interface LearningRateHolder {
  learningRate?: unknown;
  setLearningRate?: (value: number) => void;
}

/**
 * Reads an optimizer's learning rate (the protected `learningRate` field every
 * tfjs optimizer has).
 */
export function getLearningRate(optimizer: Optimizer): number {
  const value = (optimizer as unknown as LearningRateHolder).learningRate;
  if (typeof value !== 'number') {
    checkArguments('getLearningRate').fail(
      'optimizer',
      optimizer.getClassName(),
      'an optimizer with a numeric learningRate',
    );
  }
  return value as number;
}

/**
 * Sets an optimizer's learning rate: through its `setLearningRate` method when
 * it has one (SGD, Momentum: they cache `-lr` as a tensor), else through the
 * `learningRate` field (Adam, RMSProp, ... read it at every update).
 */
export function setLearningRate(optimizer: Optimizer, value: number): void {
  checkArguments('setLearningRate').nonNegative('learningRate', value);
  const holder = optimizer as unknown as LearningRateHolder;
  if (typeof holder.setLearningRate === 'function') holder.setLearningRate(value);
  else holder.learningRate = value;
}
