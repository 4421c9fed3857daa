// The confusion matrix as SVG and PNG heatmaps (write them to files, a report
// or a TensorBoard image summary).
import { confusionMatrix, confusionMatrixToPng, confusionMatrixToSvg } from '@trainkit/metrics';

const state = confusionMatrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], { numClasses: 3 });
const classNames = ['cat', 'dog', 'bird'];
const svg = confusionMatrixToSvg(state, { classNames, title: 'Validation' }); // string
const png = confusionMatrixToPng(state, { classNames, normalize: 'true' }); // Uint8Array (PNG bytes)
// import { writeFileSync } from 'node:fs';
// writeFileSync('confusion.svg', svg); writeFileSync('confusion.png', png);
console.log(svg.slice(0, 4), png.subarray(1, 4)); // <svg Uint8Array(3) [ 80, 78, 71 ] ("PNG")
