import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkArguments, createFitStepCounter } from '@trainkit/core';
import type {
  ActivationStats,
  GradientStats,
  MonitorMeasurements,
  UpdateStats,
  WeightStats,
} from '../monitor/measurements';
import {
  createMonitorRunner,
  type MonitorFinding,
  type MonitorRunner,
  type MonitorRunnerOptions,
} from '../monitor/runner';
import { formatReport, type SanityReport, sanityReport } from '../report';
import { isLayersModel, type SanityData } from './target';
import { tidyValue } from './tidy';

/** One activation layer's outputs on the probe batch. */
export interface ActivationOutput {
  readonly name: string;
  /** `relu`, `sigmoid`, `tanh`, ... */
  readonly activation: string;
  readonly output: tf.Tensor;
}

/** Options of {@link trainingMonitor}. */
export interface TrainingMonitorOptions extends MonitorRunnerOptions {
  /** A tfjs-layers model: its trainable weights, compiled loss (if compiled) and activation layers are used. */
  readonly model?: tfl.LayersModel;
  /** The variables to watch. Default: the model's trainable weights. */
  readonly variables?: readonly tf.Variable[];
  /** The training loss of a batch (for probe gradients). Default: the model's compiled loss. */
  readonly loss?: (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
  /** Activations of a batch, for the dying-ReLU and saturation rules. Default: the model's activation layers. */
  readonly activations?: (x: tf.Tensor) => readonly ActivationOutput[];
  /**
   * A small fixed batch (e.g. 64 training examples) on which checks compute
   * gradients (when the loop does not pass its own) and activations. Without
   * it, the gradient and activation rules only run on gradients you pass.
   */
  readonly probe?: SanityData;
  /** Check every this many updates (and at the first). Default 50. */
  readonly interval?: number;
  /** `shouldStop` becomes true at the first `fail` finding. Default `false`. */
  readonly stopOnFail?: boolean;
  /** Where new findings are printed, one line each; `false` for nowhere. Default `console.warn`. */
  readonly log?: ((line: string) => void) | false;
}

/** The custom-loop hook (and the engine of {@link trainingMonitorCallback}). */
export interface TrainingMonitor {
  /** The pure rule runner (findings, per-rule results). */
  readonly runner: MonitorRunner;
  /** Every finding so far. */
  readonly findings: readonly MonitorFinding[];
  /** True after a `fail` finding when `stopOnFail` is set. */
  readonly shouldStop: boolean;
  /** Is `step` a check step (0, interval, 2 interval, ...)? */
  isCheckStep(step: number): boolean;
  /** Call before update number `step` (updates applied so far); on check steps it saves the weights. */
  beforeStep(step: number): void;
  /**
   * Call after the update: the batch loss (a number or a scalar tensor, not
   * disposed), and the gradients if your loop computed them (used instead of
   * probe gradients). On check steps it measures and runs the rules.
   *
   * @returns The findings not reported before (empty on other steps).
   */
  afterStep(
    step: number,
    values: { readonly loss: number | tf.Tensor; readonly gradients?: tf.NamedTensorMap },
  ): Promise<MonitorFinding[]>;
  /** One check result per rule, as a report. */
  report(): SanityReport;
  /** Frees the saved weights and the activation model. */
  dispose(): void;
}

const activationLayerClasses = new Set([
  'ReLU',
  'Activation',
  'Dense',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'SeparableConv2D',
  'DepthwiseConv2D',
]);
const reluLike = new Set(['relu', 'relu6']);
const watched = new Set(['relu', 'relu6', 'sigmoid', 'tanh', 'hardSigmoid', 'softsign']);

/** The activation layers of a model and a model that outputs them. @internal */
function activationProbe(
  model: tfl.LayersModel,
): ((x: tf.Tensor) => ActivationOutput[]) | undefined {
  const layers: { name: string; activation: string; output: tfl.SymbolicTensor }[] = [];
  for (const layer of model.layers) {
    if (!activationLayerClasses.has(layer.getClassName())) continue;
    const config = layer.getConfig() as { activation?: unknown };
    const activation = layer.getClassName() === 'ReLU' ? 'relu' : config.activation;
    if (typeof activation !== 'string' || !watched.has(activation)) continue;
    try {
      layers.push({ name: layer.name, activation, output: layer.output as tfl.SymbolicTensor });
    } catch {
      // A layer used several times has no single output; skip it.
    }
  }
  if (layers.length === 0) return undefined;
  const probeModel = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => l.output) });
  return (x) => {
    const outputs = probeModel.predict(x) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(outputs) ? outputs : [outputs];
    return list.map((output, i) => ({
      name: layers[i]!.name,
      activation: layers[i]!.activation,
      output,
    }));
  };
}

function compiledLoss(
  model: tfl.LayersModel,
): ((x: tf.Tensor, y: tf.Tensor) => tf.Scalar) | undefined {
  const inner = (model as unknown as { model?: tfl.LayersModel }).model;
  const internals = (isLayersModel(inner) ? inner : model) as unknown as {
    lossFunctions?: ((y: tf.Tensor, p: tf.Tensor) => tf.Tensor)[];
    calculateLosses?(): tf.Scalar[];
  };
  const lossFunction = internals.lossFunctions?.[0];
  if (lossFunction === undefined) return undefined;
  return (x, y) => {
    let total = tf.mean(
      lossFunction(y, model.apply(x, { training: true }) as tf.Tensor),
    ) as tf.Scalar;
    for (const regularization of internals.calculateLosses?.() ?? [])
      total = tf.add(total, regularization);
    return total;
  };
}

const sigmoidLow = 1 / (1 + Math.exp(5));
const sigmoidHigh = 1 / (1 + Math.exp(-5));
const tanhHigh = Math.tanh(5);

// tf.norm, tf.moments and equality masks are slow on the wasm backend (tf.norm of the 784x256
// kernel takes ~9 ms, sqrt(sum(square)) 0.3 ms): the statistics are built from sums.
const norm = (t: tf.Tensor) => tf.sqrt(tf.sum(tf.square(t))) as tf.Scalar;

/** The three statistics of one activation layer, as scalars (read later in one batch). */
function activationScalars(item: ActivationOutput): tf.Scalar[] {
  const output = item.output;
  const channels = output.rank >= 2 ? output.shape[output.rank - 1]! : 1;
  const flat = tf.reshape(output, [-1, channels]);
  const zero = tf.scalar(0);
  if (reluLike.has(item.activation)) {
    const active = tf.sign(flat); // ReLU outputs are >= 0: 1 where active, 0 where not
    const activeRate = tf.mean(active, 0);
    // A unit is dead when active on fewer than 1% of the samples: sign(relu(0.01 - rate)) is 1 then.
    const dead = tf.mean(tf.sign(tf.relu(tf.sub(0.01, activeRate))));
    return [tf.sub(1, tf.mean(active)) as tf.Scalar, dead as tf.Scalar, zero];
  }
  const saturated =
    item.activation === 'tanh' || item.activation === 'softsign'
      ? tf.greaterEqual(tf.abs(flat), item.activation === 'tanh' ? tanhHigh : 5 / 6)
      : tf.logicalOr(tf.lessEqual(flat, sigmoidLow), tf.greaterEqual(flat, sigmoidHigh));
  return [zero, zero, tf.mean(tf.cast(saturated, 'float32')) as tf.Scalar];
}

function gradientScalars(gradient: tf.Tensor): tf.Scalar[] {
  return [norm(gradient), tf.mean(tf.abs(gradient)) as tf.Scalar, tf.sum(gradient) as tf.Scalar];
}

function weightScalars(variable: tf.Variable): tf.Scalar[] {
  const sumSquares = tf.sum(tf.square(variable));
  const mean = tf.mean(variable);
  const variance = tf.sub(tf.div(sumSquares, variable.size), tf.square(mean));
  return [tf.sqrt(sumSquares), variance, tf.max(tf.abs(variable)), mean] as tf.Scalar[];
}

/** Computes many scalars and reads them with one download (one sync instead of dozens). */
function readScalars(build: () => tf.Scalar[]): Float32Array {
  return tidyValue(() => {
    const scalars = build();
    if (scalars.length === 0) return new Float32Array(0);
    return tf.stack(scalars.map((scalar) => tf.reshape(scalar, []))).dataSync() as Float32Array;
  });
}

function fanInOf(variable: tf.Variable): number {
  return variable.rank >= 2 ? variable.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 0;
}

function weightStats(variables: readonly tf.Variable[]): WeightStats[] {
  const values = readScalars(() => variables.flatMap(weightScalars));
  return variables.map((variable, i) => decodeWeight(variable, values, 4 * i));
}

function decodeWeight(variable: tf.Variable, values: Float32Array, at: number): WeightStats {
  const [weightNorm, variance, maxAbs, mean] = [
    values[at]!,
    values[at + 1]!,
    values[at + 2]!,
    values[at + 3]!,
  ];
  return {
    name: variable.name,
    isKernel: variable.rank >= 2,
    fanIn: fanInOf(variable),
    norm: weightNorm,
    variance,
    maxAbs,
    finite: Number.isFinite(weightNorm) && Number.isFinite(mean),
  };
}

/**
 * The during-training monitor for custom loops (and the engine of
 * {@link trainingMonitorCallback}): every `interval` updates (and at the first)
 * it measures gradients (yours or on the probe batch), weights, the update the
 * step made, activations on the probe and `tf.memory()`, records every loss,
 * and runs the rules ({@link createMonitorRunner}): non-finite values,
 * divergence, exploding/vanishing gradients, dying ReLU, saturated
 * activations, poor initialization, update-to-weight ratio, loss not
 * decreasing, tensor leaks. Each problem is reported once, with evidence and
 * advice.
 *
 * @param options - {@link TrainingMonitorOptions}
 * @returns The hook: call `beforeStep` and `afterStep` around every update.
 * @example
 * ```ts
 * const monitor = trainingMonitor({ model, probe: { x: xProbe, y: yProbe }, stopOnFail: true });
 * for (let step = 0; step < steps; step++) {
 *   monitor.beforeStep(step);
 *   const { value, grads } = tf.variableGrads(() => loss(x, y), variables);
 *   optimizer.applyGradients(grads);
 *   await monitor.afterStep(step, { loss: value, gradients: grads });
 *   tf.dispose([value, grads]);
 *   if (monitor.shouldStop) break;
 * }
 * console.log(formatReport(monitor.report()));
 * monitor.dispose();
 * ```
 */
export function trainingMonitor(options: TrainingMonitorOptions): TrainingMonitor {
  const name = 'trainingMonitor';
  const check = checkArguments(name);
  if (typeof options !== 'object' || options === null) check.fail('options', options, 'an object');
  const model = options.model;
  if (model !== undefined && !isLayersModel(model))
    check.fail('model', model, 'a tfjs-layers model');
  const variables = [
    ...(options.variables ?? model?.trainableWeights.map((w) => w.read() as tf.Variable) ?? []),
  ];
  if (variables.length === 0) {
    check.fail(
      'variables',
      options.variables,
      'a non-empty array of tf.Variable (or the model option)',
    );
  }
  variables.forEach((variable, i) => {
    if (!(variable instanceof tf.Variable))
      check.fail(`variables[${i}]`, variable, 'a tf.Variable');
  });
  const interval = check.integer('interval', options.interval ?? 50, { min: 1 });
  const stopOnFail = check.boolean('stopOnFail', options.stopOnFail ?? false);
  const log =
    options.log === false
      ? undefined
      : options.log === undefined
        ? (line: string) => console.warn(line)
        : check.callable<(line: string) => void>('log', options.log);
  const loss =
    options.loss === undefined
      ? model === undefined
        ? undefined
        : compiledLoss(model)
      : check.callable<(x: tf.Tensor, y: tf.Tensor) => tf.Scalar>('loss', options.loss);
  const activations =
    options.activations === undefined
      ? model === undefined
        ? undefined
        : activationProbe(model)
      : check.callable<(x: tf.Tensor) => readonly ActivationOutput[]>(
          'activations',
          options.activations,
        );
  const probe = options.probe;
  if (probe !== undefined && (!(probe.x instanceof tf.Tensor) || !(probe.y instanceof tf.Tensor))) {
    check.fail('probe', probe, 'an object { x: tf.Tensor, y: tf.Tensor }');
  }
  const runner = createMonitorRunner(options);
  const kernels = variables.filter((variable) => variable.rank >= 2);
  let saved: tf.Tensor[] | undefined;
  let savedStep = -1;
  let weightsBefore: WeightStats[] | undefined;
  let stop = false;
  const isCheckStep = (step: number) => step % interval === 0;

  const measure = (step: number, gradients: tf.NamedTensorMap | undefined): MonitorMeasurements => {
    const memory = tf.memory();
    let probeGradients: tf.NamedTensorMap | undefined;
    if (gradients === undefined && probe !== undefined && loss !== undefined) {
      const { value, grads } = tf.variableGrads(() => loss(probe.x, probe.y), variables);
      value.dispose();
      probeGradients = grads;
    }
    const grads = gradients ?? probeGradients;
    const withGradients =
      grads === undefined ? [] : variables.filter((v) => grads[v.name] !== undefined);
    const before = saved !== undefined && savedStep === step ? saved : undefined;
    const outputs =
      probe !== undefined && activations !== undefined ? activations(probe.x) : undefined;
    // Everything in one download.
    const values = readScalars(() => [
      ...variables.flatMap(weightScalars),
      ...withGradients.flatMap((v) => gradientScalars(grads![v.name]!)),
      ...(before === undefined
        ? []
        : kernels.map(
            (v, i) => tf.div(norm(tf.sub(v, before[i]!)), norm(before[i]!)) as tf.Scalar,
          )),
      ...(outputs ?? []).flatMap(activationScalars),
    ]);
    if (probeGradients !== undefined) tf.dispose(Object.values(probeGradients));
    if (outputs !== undefined) tf.dispose(outputs.map((o) => o.output));
    let at = 0;
    const weights = variables.map((variable) => {
      const stats = decodeWeight(variable, values, at);
      at += 4;
      return stats;
    });
    const gradientList: GradientStats[] = withGradients.map((variable) => {
      const [gradientNorm, meanAbs, sum] = [values[at]!, values[at + 1]!, values[at + 2]!];
      at += 3;
      return {
        name: variable.name,
        isKernel: variable.rank >= 2,
        norm: gradientNorm,
        meanAbs,
        finite: Number.isFinite(sum) && Number.isFinite(gradientNorm),
      };
    });
    const updates: UpdateStats[] | undefined =
      before === undefined
        ? undefined
        : kernels.map((v) => ({ name: v.name, isKernel: true, ratio: values[at++]! }));
    const activationList: ActivationStats[] | undefined = outputs?.map((item) => {
      const stats = {
        name: item.name,
        activation: item.activation,
        zeroFraction: values[at]!,
        deadFraction: values[at + 1]!,
        saturatedFraction: values[at + 2]!,
      };
      at += 3;
      return stats;
    });
    return {
      step: step + 1,
      memory: { numTensors: memory.numTensors, numBytes: memory.numBytes },
      weights,
      ...(grads === undefined ? {} : { gradients: gradientList }),
      ...(updates === undefined ? {} : { updates }),
      ...(activationList === undefined ? {} : { activations: activationList }),
    };
  };

  return {
    runner,
    get findings() {
      return runner.findings;
    },
    get shouldStop() {
      return stop;
    },
    isCheckStep,
    beforeStep(step) {
      if (!isCheckStep(step)) return;
      if (saved !== undefined) tf.dispose(saved);
      saved = kernels.map((variable) => tf.keep(tf.clone(variable)));
      savedStep = step;
      if (step === 0) weightsBefore = weightStats(variables);
    },
    async afterStep(step, values) {
      const lossValue =
        typeof values.loss === 'number' ? values.loss : (await values.loss.data())[0]!;
      runner.recordLoss(step, lossValue);
      if (!isCheckStep(step)) return [];
      const fresh: MonitorFinding[] = [];
      if (weightsBefore !== undefined) {
        // The weights before the first update: judged by the initialization rule.
        fresh.push(...runner.observe({ step, weights: weightsBefore }));
        weightsBefore = undefined;
      }
      fresh.push(...runner.observe(measure(step, values.gradients)));
      if (saved !== undefined) {
        tf.dispose(saved);
        saved = undefined;
      }
      for (const finding of fresh) {
        log?.(`[sanity] ${finding.severity.toUpperCase()} ${finding.ruleId}: ${finding.summary}`);
        if (stopOnFail && finding.severity === 'fail') stop = true;
      }
      return fresh;
    },
    report() {
      return sanityReport(runner.results());
    },
    dispose() {
      if (saved !== undefined) tf.dispose(saved);
      saved = undefined;
    },
  };
}

/** Options of {@link trainingMonitorCallback}. */
export interface TrainingMonitorCallbackOptions extends TrainingMonitorOptions {
  /** The model being fitted. */
  readonly model: tfl.LayersModel;
  /** Print the report when training ends. Default `true` (through `log`, or `console.log` when `log` is not a function). */
  readonly reportAtEnd?: boolean;
}

/** The callback returned by {@link trainingMonitorCallback}. */
export interface TrainingMonitorCallback extends tfl.CustomCallback {
  /** The monitor (findings, report). */
  readonly monitor: TrainingMonitor;
}

/**
 * The during-training monitor as a `model.fit` callback (a real
 * `tf.CustomCallback`): it counts optimizer updates across epochs (with an
 * accumulating optimizer, one update spans several batches: core's
 * `createFitStepCounter`), saves the weights at
 * the start of check batches, reads the batch loss from the logs, measures on
 * the probe batch at the end of check batches, and sets `model.stopTraining`
 * after a `fail` finding when `stopOnFail` is set. Reading the loss every
 * batch forces a device sync (tfjs resolves the logs for any callback with
 * `onBatchEnd`); the checks cost about one probe forward and backward pass
 * every `interval` batches (see the README for the overhead).
 *
 * @param options - {@link TrainingMonitorCallbackOptions}
 * @returns A `tf.CustomCallback` exposing `monitor`.
 * @example
 * ```ts
 * const callback = trainingMonitorCallback({ model, probe: { x: x.slice(0, 64), y: y.slice(0, 64) } });
 * await model.fit(x, y, { epochs: 5, callbacks: [callback] });
 * callback.monitor.report().status; // 'pass'
 * ```
 */
export function trainingMonitorCallback(
  options: TrainingMonitorCallbackOptions,
): TrainingMonitorCallback {
  const check = checkArguments('trainingMonitorCallback');
  if (!isLayersModel(options?.model))
    check.fail('model', options?.model, 'the tfjs-layers model being fitted');
  const reportAtEnd = check.boolean('reportAtEnd', options.reportAtEnd ?? true);
  const monitor = trainingMonitor(options);
  const model = options.model;
  // Steps are optimizer updates (several batches each with an accumulating optimizer), as in
  // schedules, curves, tensorboard and profiler.
  const steps = createFitStepCounter();
  const finish = async (
    update: { step: number; logs: Readonly<Record<string, number>> } | undefined,
  ) => {
    if (update === undefined) return;
    const loss = update.logs.loss;
    await monitor.afterStep(update.step, { loss: typeof loss === 'number' ? loss : Number.NaN });
    if (monitor.shouldStop) model.stopTraining = true;
  };
  const callback = new tfl.CustomCallback(
    {
      onTrainBegin: async () => {
        steps.start(model.optimizer);
      },
      onBatchBegin: async () => {
        monitor.beforeStep(steps.step);
      },
      onBatchEnd: async (_batch, logs) => {
        await finish(steps.batchEnd(model.optimizer, logs));
      },
      onEpochEnd: async () => {
        await finish(steps.sync(model.optimizer));
      },
      onTrainEnd: async () => {
        if (!reportAtEnd) return;
        const print =
          typeof options.log === 'function' ? options.log : (line: string) => console.log(line);
        print(formatReport(monitor.report()));
      },
    },
    // No periodic yielding to the event loop: it costs time every batch and the monitor does not need it.
    'never',
  ) as TrainingMonitorCallback;
  Object.defineProperty(callback, 'monitor', { value: monitor, enumerable: true });
  return callback;
}
