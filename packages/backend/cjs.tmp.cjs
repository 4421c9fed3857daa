const { selectBackend, formatBackendSelection } = require('./dist/index.cjs');
const tf = require('@tensorflow/tfjs-core');
selectBackend().then((s) => {
  console.log(formatBackendSelection(s));
  console.log(tf.matMul([[1, 2]], [[3], [4]]).dataSync());
});
