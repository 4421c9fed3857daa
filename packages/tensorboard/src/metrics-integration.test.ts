// Integration with @trainkit/metrics: its confusion-matrix PNG logged as a
// TensorBoard image, next to per-sample predictions as a text table.
import { confusionMatrix, confusionMatrixToPng } from '@trainkit/metrics';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { parseEventFile } from './event-reader';
import { readPngHeader } from './image';
import { createSummaryWriter } from './node';
import { MemoryFileSystem } from './test-helpers';

describe('confusion matrix from @trainkit/metrics in TensorBoard', () => {
  it('passes confusionMatrixToPng bytes through unchanged, with their size', async () => {
    const yTrue = [2, 0, 2, 2, 0, 1];
    const yPred = [0, 0, 2, 2, 0, 2];
    const png = confusionMatrixToPng(confusionMatrix(yTrue, yPred), {
      classNames: ['cat', 'dog', 'bird'],
    });
    const header = readPngHeader(png)!;
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('runs/validation', {
      fileSystem: memory,
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    writer.image('confusion_matrix', { png }, 3);
    writer.text(
      'predictions',
      [
        ['sample', 'label', 'predicted'],
        ...yTrue.map((t, i) => [String(i), String(t), String(yPred[i])]),
      ],
      3,
    );
    await writer.close();
    const { events, warnings } = parseEventFile(memory.files.get(writer.path)!);
    expect(warnings).toEqual([]);
    const [image, text] = events.slice(1).map((e) => e.summaries[0]!);
    expect(image).toMatchObject({
      kind: 'image',
      tag: 'confusion_matrix',
      width: header.width,
      height: header.height,
    });
    if (image?.kind !== 'image') throw new Error('expected an image');
    expect(image.images[0]).toEqual(png);
    const decoded = decode(image.images[0]!);
    expect([decoded.width, decoded.height]).toEqual([header.width, header.height]);
    expect(text).toMatchObject({ kind: 'text', shape: [7, 3] });
  });
});
