import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHistory,
  curvesSvg,
  curvesTerminal,
  diagnose,
  formatDiagnosis,
  historyToJSON,
  recordTraining,
  recordValidation,
} from '@trainkit/curves';

const history = createHistory({ name: 'mlp' });
for (let t = 0; t < 1000; t++) {
  const batchNoise = 1 + 0.05 * Math.sin(t * 12.9898); // stands in for mini-batch noise
  recordTraining(history, t, (0.05 + 2.25 * Math.exp(-t / 150)) * batchNoise);
  if (t > 0 && t % 25 === 0) {
    recordValidation(history, t, 0.5 + 1.8 * Math.exp(-t / 150) + 0.0008 * Math.max(0, t - 300));
  }
}
const diagnosis = diagnose(history);
console.log(formatDiagnosis(diagnosis));
console.log(curvesTerminal(history, { width: 64, height: 10 }));
const out = await mkdtemp(join(tmpdir(), 'curves-'));
await writeFile(join(out, 'curves.svg'), curvesSvg(history, { yScale: 'log' }));
// historyFromJSON restores it exactly:
await writeFile(join(out, 'run.json'), JSON.stringify(historyToJSON(history)));
