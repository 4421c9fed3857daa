// Child process of the kill tests: resumes from the newest checkpoint in a
// directory (verifying its contents bit for bit) and then saves generation
// after generation until it is killed, printing "saved <n>" after each commit.

import { loadCheckpoint, saveCheckpoint } from '../checkpoint';
import { CheckpointRestoreError } from '../checkpoint-errors';
import { contentsFor } from './checkpoint-contents';

async function main(): Promise<void> {
  const [directory, sizeText] = process.argv.slice(2);
  const size = Number(sizeText);
  let n = 0;
  try {
    const loaded = await loadCheckpoint<{ n: number }>(directory!);
    n = loaded.state.n;
    const expected = contentsFor(n, size);
    const actual = new Uint8Array(
      loaded.tensors[0]!.values.buffer,
      loaded.tensors[0]!.values.byteOffset,
      size * 4,
    );
    const wanted = new Uint8Array(expected.tensors[0]!.values.buffer);
    if (Buffer.compare(Buffer.from(actual), Buffer.from(wanted)) !== 0)
      throw new Error(`generation ${n}: weights differ`);
    process.stdout.write(`resumed ${n}\n`);
  } catch (error) {
    if (!(CheckpointRestoreError.isInstance(error) && error.kind === 'not-found')) throw error;
  }
  process.stdout.write(`ready ${n}\n`);
  for (;;) {
    n++;
    await saveCheckpoint(directory!, contentsFor(n, size));
    process.stdout.write(`saved ${n}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(3);
});
