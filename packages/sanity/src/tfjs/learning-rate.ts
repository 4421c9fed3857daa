import type { Optimizer } from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';

interface LearningRateFields {
  learningRate?: unknown;
  setLearningRate?: unknown;
}

/**
 * The learning rate of a TensorFlow.js optimizer (all of them keep it in a
 * `learningRate` field). @internal
 */
export function getLearningRate(functionName: string, optimizer: Optimizer): number {
  const value = (optimizer as unknown as LearningRateFields).learningRate;
  if (typeof value !== 'number') {
    checkArguments(functionName).fail(
      'optimizer',
      optimizer,
      'a TensorFlow.js optimizer with a numeric learningRate field',
    );
  }
  return value as number;
}

/**
 * Sets the learning rate: SGD and Momentum through `setLearningRate` (they
 * cache `-lr` in a tensor), the others through the `learningRate` field they
 * read at every step. @internal
 */
export function setLearningRate(functionName: string, optimizer: Optimizer, value: number): void {
  const fields = optimizer as unknown as LearningRateFields;
  if (typeof fields.setLearningRate === 'function') {
    (fields.setLearningRate as (lr: number) => void).call(optimizer, value);
  } else {
    getLearningRate(functionName, optimizer);
    fields.learningRate = value;
  }
}
