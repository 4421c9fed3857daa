import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';

/** A saved training state that can be put back exactly. */
export interface TrainingSnapshot {
  /**
   * Puts the variables and the optimizer back exactly as they were (bit for
   * bit), disposing whatever the optimizer created since (e.g. Adam's moment
   * slots). Can be called several times.
   */
  restore(): void;
  /** Frees the saved copies. The snapshot cannot be restored afterwards. */
  dispose(): void;
}

/** What {@link trainingSnapshot} saves. */
export interface TrainingSnapshotOptions {
  /** The variables to save (for a layers model: `model.weights.map((w) => w.read())`, which includes batch-norm statistics). */
  readonly variables: readonly tf.Variable[];
  /** The optimizer whose state to save (all TensorFlow.js optimizers, and wrappers that keep them in fields). */
  readonly optimizer?: tf.Optimizer;
}

type Slot = { originalName: string; variable: tf.Variable } | null | undefined;

interface FieldRestore {
  restore(): void;
  dispose(): void;
}

function isSlotArray(value: unknown): value is Slot[] {
  return (
    Array.isArray(value) &&
    value.every(
      (slot) =>
        slot == null ||
        (typeof slot === 'object' &&
          (slot as { variable?: unknown }).variable instanceof tf.Variable),
    )
  );
}

function isOptimizerLike(value: unknown): value is tf.Optimizer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as tf.Optimizer).applyGradients === 'function' &&
    typeof (value as tf.Optimizer).getWeights === 'function'
  );
}

/**
 * Saves every own field of an optimizer: numbers and flags by value, tensors
 * and variables as copies, slot arrays (`{ originalName, variable }[]`, how
 * TensorFlow.js optimizers keep per-variable state) with their length, nested
 * optimizers recursively. Restoring assigns the saved values into the same
 * variables, puts back replaced tensors, disposes slots and fields created
 * since, and deletes fields that did not exist (e.g. `iterations_` before the
 * first step).
 */
function snapshotObject(target: Record<string, unknown>, seen: Set<object>): FieldRestore {
  seen.add(target);
  const keys = Object.keys(target);
  const restores: FieldRestore[] = [];
  for (const key of keys) {
    const value = target[key];
    if (value instanceof tf.Variable) {
      const saved = tf.keep(tf.clone(value));
      restores.push({
        restore() {
          const current = target[key];
          if (current !== value) {
            // Replaced since the snapshot: free the newcomer, put the original back.
            if (current instanceof tf.Tensor && !current.isDisposed) current.dispose();
            target[key] = value;
          }
          value.assign(saved);
        },
        dispose: () => saved.dispose(),
      });
    } else if (value instanceof tf.Tensor) {
      // Tensors are immutable: keep a copy in case the field is replaced (SGD's -lr scalar).
      const saved = tf.keep(tf.clone(value));
      restores.push({
        restore() {
          const current = target[key];
          if (current === value && !value.isDisposed) return;
          if (current instanceof tf.Tensor && !current.isDisposed) current.dispose();
          target[key] = tf.keep(tf.clone(saved));
        },
        dispose: () => saved.dispose(),
      });
    } else if (isSlotArray(value)) {
      const entries = value.map((slot) =>
        slot == null
          ? slot
          : { slot, variable: slot.variable, saved: tf.keep(tf.clone(slot.variable)) },
      );
      const length = value.length;
      restores.push({
        restore() {
          const current = target[key];
          const array = Array.isArray(current) ? (current as Slot[]) : value;
          for (let i = 0; i < array.length; i++) {
            const slot = array[i];
            const entry = i < length ? entries[i] : undefined;
            const keep = entry != null && slot === entry.slot;
            if (!keep && slot != null && !slot.variable.isDisposed) slot.variable.dispose();
          }
          array.length = length;
          for (let i = 0; i < length; i++) {
            const entry = entries[i];
            if (entry == null) {
              array[i] = entry;
              continue;
            }
            array[i] = entry.slot;
            entry.variable.assign(entry.saved);
          }
          target[key] = array;
        },
        dispose() {
          for (const entry of entries) entry?.saved.dispose();
        },
      });
    } else if (isOptimizerLike(value) && !seen.has(value)) {
      restores.push(snapshotObject(value as unknown as Record<string, unknown>, seen));
    } else if (value === null || typeof value !== 'object') {
      if (typeof value !== 'function') {
        restores.push({
          restore() {
            target[key] = value;
          },
          dispose() {},
        });
      }
    }
  }
  return {
    restore() {
      for (const key of Object.keys(target)) {
        if (keys.includes(key)) continue;
        const added = target[key];
        if (added instanceof tf.Tensor && !added.isDisposed) added.dispose();
        else if (isSlotArray(added)) for (const slot of added) slot?.variable.dispose();
        delete target[key];
      }
      for (const item of restores) item.restore();
    },
    dispose() {
      for (const item of restores) item.dispose();
    },
  };
}

/**
 * Saves variables and an optimizer's state so that they can be put back bit
 * for bit: the range test, the overfit ladder and the freshness check train
 * and then restore, leaving the model exactly as it was.
 *
 * Optimizer state is read from the optimizer's own fields (TensorFlow.js
 * optimizers keep it there: Adam's moments and `accBeta1`/`accBeta2`, the
 * iteration count, SGD's learning-rate scalar), not through
 * `getWeights`/`setWeights`, which recompute Adam's bias corrections and leak
 * the slot variables they replace. Slots created after the snapshot (e.g. an
 * Adam that had not stepped yet) are disposed on restore.
 *
 * @param options - {@link TrainingSnapshotOptions}
 * @returns A snapshot to `restore()` (any number of times) and `dispose()`.
 * @example
 * ```ts
 * const snapshot = trainingSnapshot({ variables: model.weights.map((w) => w.read()), optimizer });
 * // ... train ...
 * snapshot.restore(); // weights and optimizer as before
 * snapshot.dispose();
 * ```
 */
export function trainingSnapshot(options: TrainingSnapshotOptions): TrainingSnapshot {
  const check = checkArguments('trainingSnapshot');
  if (!Array.isArray(options?.variables)) {
    check.fail('variables', options?.variables, 'an array of tf.Variable');
  }
  options.variables.forEach((variable, i) => {
    if (!(variable instanceof tf.Variable)) {
      check.fail(
        `variables[${i}]`,
        variable,
        'a tf.Variable',
        'For a layers model pass model.weights.map((w) => w.read()).',
      );
    }
  });
  if (options.optimizer !== undefined && !isOptimizerLike(options.optimizer)) {
    check.fail('optimizer', options.optimizer, 'a tf.Optimizer');
  }
  const variables = [...options.variables];
  const saved = variables.map((variable) => tf.keep(tf.clone(variable)));
  const optimizer =
    options.optimizer === undefined
      ? undefined
      : snapshotObject(options.optimizer as unknown as Record<string, unknown>, new Set());
  let disposed = false;
  return {
    restore() {
      if (disposed) {
        check.fail(
          'snapshot',
          'disposed',
          'a snapshot that was not disposed',
          'Take a new snapshot.',
        );
      }
      variables.forEach((variable, i) => {
        variable.assign(saved[i]!);
      });
      optimizer?.restore();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(saved);
      optimizer?.dispose();
    },
  };
}
