// Updating from TensorFlow.js tensors: labels and logits stay on the device;
// only the small C×C result is read back.
import '@tensorflow/tfjs-backend-cpu'; // or any backend: the updates run on it
import * as tf from '@tensorflow/tfjs-core';
import {
  accuracy,
  createConfusionMatrix,
  createTopKAccuracy,
  topKAccuracyValue,
} from '@trainkit/metrics';
import {
  updateConfusionMatrixFromScores,
  updateTopKAccuracyFromScores,
} from '@trainkit/metrics/tfjs';

const state = createConfusionMatrix(3);
const top2 = createTopKAccuracy({ numClasses: 3, k: 2 });
const labels = tf.tensor1d([0, 1, 2, 2], 'int32');
const logits = tf.tensor2d([
  [2.0, 0.1, -1.0],
  [0.3, 1.5, 0.2],
  [0.1, 0.9, 0.4],
  [-0.5, 0.2, 3.1],
]);
await updateConfusionMatrixFromScores(state, labels, logits); // argmax on device
await updateTopKAccuracyFromScores(top2, labels, logits);
tf.dispose([labels, logits]);
console.log(accuracy(state), topKAccuracyValue(top2)); // 0.75 1
