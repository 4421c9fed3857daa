import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkArguments } from '@trainkit/core';

/**
 * A model trained by a custom loop: the variables, a loss over them, and the
 * optimizer that updates them.
 */
export interface CustomLoopTarget {
  /** The trainable variables. */
  readonly variables: readonly tf.Variable[];
  /** The mean training loss of a batch, computed in training mode (dropout on). Called inside `optimizer.minimize`. */
  readonly loss: (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
  /** The optimizer the loop uses (the range test and the ladder restore it exactly afterwards). */
  readonly optimizer: tf.Optimizer;
  /** The model's outputs in inference mode (logits or probabilities). Needed by the checks that look at predictions. */
  readonly predict?: (x: tf.Tensor) => tf.Tensor;
  /** The outputs in training mode (dropout on, batch statistics), when they differ. */
  readonly predictTraining?: (x: tf.Tensor) => tf.Tensor;
  /** The loss between targets and outputs, per batch mean, e.g. `tf.losses.softmaxCrossEntropy`. Needed by the checks that probe the loss. */
  readonly lossFunction?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
  /** Non-trainable variables the loop also updates (e.g. batch-norm statistics), saved and restored with the rest. */
  readonly state?: readonly tf.Variable[];
}

/** What the checks train: a compiled tfjs-layers model, or a custom loop. */
export type SanityTarget = LayersModel | CustomLoopTarget;

/** The common face of both kinds of target. @internal */
export interface Trainee {
  readonly kind: 'layers' | 'custom';
  readonly model: LayersModel | undefined;
  readonly variables: tf.Variable[];
  /** Everything a snapshot must save. */
  readonly stateVariables: tf.Variable[];
  readonly optimizer: tf.Optimizer;
  /** The training loss (training mode), a scalar. */
  trainingLoss(x: tf.Tensor, y: tf.Tensor): tf.Scalar;
  /** One update; returns the loss before it (kept: dispose it). */
  step(x: tf.Tensor, y: tf.Tensor): tf.Scalar;
  /** Outputs in inference mode, or undefined when the target cannot predict. */
  readonly predict: ((x: tf.Tensor) => tf.Tensor) | undefined;
  /** Outputs in training mode. */
  readonly predictTraining: ((x: tf.Tensor) => tf.Tensor) | undefined;
  /** The loss between targets and outputs, a scalar mean. */
  readonly lossFunction: ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar) | undefined;
  /** The compiled loss' name, when it has one (`categoricalCrossentropy`...). */
  readonly lossName: string | undefined;
}

interface LayersModelInternals {
  readonly lossFunctions?: ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)[];
  readonly loss?: unknown;
  readonly optimizer?: tf.Optimizer;
  calculateLosses?(): tf.Scalar[];
}

/** Is this a tfjs-layers model (duck-typed, so that two copies of tfjs-layers both work)? @internal */
export function isLayersModel(target: unknown): target is LayersModel {
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as LayersModel).apply === 'function' &&
    typeof (target as LayersModel).predict === 'function' &&
    Array.isArray((target as LayersModel).layers)
  );
}

function meanScalar(loss: tf.Tensor): tf.Scalar {
  return (loss.rank === 0 ? loss : tf.mean(loss)) as tf.Scalar;
}

/** Normalizes a target; throws a typed error naming `functionName` when it is unusable. @internal */
export function toTrainee(functionName: string, target: SanityTarget): Trainee {
  const check = checkArguments(functionName);
  if (isLayersModel(target)) {
    const model = target;
    // A Sequential keeps the compiled state in an inner functional model.
    const inner = (model as unknown as { model?: unknown }).model;
    const internals = (isLayersModel(inner) ? inner : model) as unknown as LayersModelInternals;
    const optimizer = internals.optimizer ?? (model as unknown as LayersModelInternals).optimizer;
    const lossFunctions = internals.lossFunctions;
    if (optimizer === undefined || lossFunctions === undefined || lossFunctions.length === 0) {
      check.fail(
        'target',
        'an uncompiled model',
        'a compiled model',
        'Call model.compile({ optimizer, loss }) first.',
      );
    }
    if (model.inputs.length !== 1 || model.outputs.length !== 1 || lossFunctions!.length !== 1) {
      check.fail(
        'target',
        `a model with ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
        'a model with one input and one output',
        'Wrap a multi-output model in a custom loop target ({ variables, loss, optimizer }).',
      );
    }
    const lossFunction = lossFunctions![0]!;
    const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const trainingLoss = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => {
      let total = meanScalar(lossFunction(y, model.apply(x, { training: true }) as tf.Tensor));
      for (const regularization of internals.calculateLosses?.() ?? [])
        total = tf.add(total, regularization);
      return total;
    };
    const loss = internals.loss;
    return {
      kind: 'layers',
      model,
      variables,
      stateVariables: model.weights.map((weight) => weight.read() as tf.Variable),
      optimizer: optimizer!,
      trainingLoss,
      step: (x, y) => optimizer!.minimize(() => trainingLoss(x, y), true, variables) as tf.Scalar,
      predict: (x) => model.apply(x, { training: false }) as tf.Tensor,
      predictTraining: (x) => model.apply(x, { training: true }) as tf.Tensor,
      lossFunction: (yTrue, yPred) => meanScalar(lossFunction(yTrue, yPred)),
      lossName:
        typeof loss === 'string'
          ? loss
          : Array.isArray(loss) && typeof loss[0] === 'string'
            ? loss[0]
            : undefined,
    };
  }
  if (typeof target !== 'object' || target === null) {
    check.fail('target', target, 'a compiled tfjs-layers model or { variables, loss, optimizer }');
  }
  const custom = target as CustomLoopTarget;
  if (!Array.isArray(custom.variables) || custom.variables.length === 0) {
    check.fail('target.variables', custom.variables, 'a non-empty array of tf.Variable');
  }
  custom.variables.forEach((variable, i) => {
    if (!(variable instanceof tf.Variable))
      check.fail(`target.variables[${i}]`, variable, 'a tf.Variable');
  });
  const loss = check.callable<(x: tf.Tensor, y: tf.Tensor) => tf.Scalar>(
    'target.loss',
    custom.loss,
  );
  if (typeof custom.optimizer?.minimize !== 'function') {
    check.fail('target.optimizer', custom.optimizer, 'a tf.Optimizer');
  }
  const optional = <T>(name: string, value: T | undefined): T | undefined =>
    value === undefined ? undefined : (check.callable(`target.${name}`, value) as T);
  const predict = optional('predict', custom.predict);
  const predictTraining = optional('predictTraining', custom.predictTraining);
  const lossFunction = optional('lossFunction', custom.lossFunction);
  const variables = [...custom.variables];
  return {
    kind: 'custom',
    model: undefined,
    variables,
    stateVariables: [...variables, ...(custom.state ?? [])],
    optimizer: custom.optimizer,
    trainingLoss: (x, y) => meanScalar(loss(x, y)),
    step: (x, y) =>
      custom.optimizer.minimize(() => meanScalar(loss(x, y)), true, variables) as tf.Scalar,
    predict,
    predictTraining: predictTraining ?? predict,
    lossFunction:
      lossFunction === undefined
        ? undefined
        : (yTrue, yPred) => meanScalar(lossFunction(yTrue, yPred)),
    lossName: undefined,
  };
}

/** Rows `start .. start + count` of a tensor (along the first axis). @internal */
export function rows(tensor: tf.Tensor, start: number, count: number): tf.Tensor {
  const begin = [start, ...new Array(tensor.rank - 1).fill(0)];
  const size = [count, ...new Array(tensor.rank - 1).fill(-1)];
  return tf.slice(tensor, begin, size);
}

/** Labeled examples for the checks: inputs and targets with the same first dimension. */
export interface SanityData {
  /** Inputs, first axis = examples. */
  readonly x: tf.Tensor;
  /** Targets: one-hot rows, class indices, or values. First axis = examples. */
  readonly y: tf.Tensor;
}

/** Validates data and returns its example count. @internal */
export function exampleCount(functionName: string, argument: string, data: SanityData): number {
  const check = checkArguments(functionName);
  if (!(data?.x instanceof tf.Tensor) || !(data?.y instanceof tf.Tensor)) {
    check.fail(argument, data, 'an object { x: tf.Tensor, y: tf.Tensor }');
  }
  const count = data.x.shape[0];
  if (count === undefined || count < 1 || data.y.shape[0] !== count) {
    check.fail(
      `${argument}.y`,
      `shape [${data.y.shape.join(', ')}] for x of shape [${data.x.shape.join(', ')}]`,
      'as many examples as x (same first dimension, at least 1)',
    );
  }
  return count!;
}

/** Class indices of targets: argmax of one-hot rows, or the values themselves. @internal */
export function classIndices(y: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    if (y.rank >= 2 && y.shape[y.rank - 1]! > 1)
      return tf.reshape(tf.argMax(y, -1), [-1]) as tf.Tensor1D;
    return tf.cast(tf.reshape(y, [-1]), 'int32') as tf.Tensor1D;
  });
}
