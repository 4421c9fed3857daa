// The confusion matrix as SVG and PNG heatmaps (write them to files, a report
// or a TensorBoard image summary).
import { confusionMatrix, confusionMatrixToPng, confusionMatrixToSvg } from '@trainkit/metrics';

export function imagesExample() {
  const state = confusionMatrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], { numClasses: 3 });
  const classNames = ['cat', 'dog', 'bird'];
  const svg = confusionMatrixToSvg(state, { classNames, title: 'Validation' }); // string
  const png = confusionMatrixToPng(state, { classNames, normalize: 'true' }); // Uint8Array (PNG bytes)
  // import { writeFileSync } from 'node:fs';
  // writeFileSync('confusion.svg', svg); writeFileSync('confusion.png', png);
  return { svg, png };
}
