import { handleInterrupts } from '../interrupt';
import { parseTrainOptions, trainUsage } from '../options';
import { consoleProgress } from '../progress';
import { runTraining } from '../run-training';

/** The `train` command's one-line summary, for `trainkit help`. */
export const trainSummary = 'train the reference model on MNIST (the default command)';

/**
 * `trainkit train [options]`: parses the flags, trains (or resumes) a run with
 * a live progress bar and Ctrl-C handling, and returns the exit code.
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(trainUsage);
    return 0;
  }
  const { options, explicit } = parseTrainOptions(argv);
  const display = consoleProgress(options.progress);
  // The handlers stay until the process exits: a Ctrl-C after the run is done
  // must not kill the process while it writes its last lines.
  const interrupts = handleInterrupts((line) => display.warn(line));
  try {
    const result = await runTraining(options, { display, stop: interrupts.stop, explicit });
    return result.exitCode;
  } finally {
    display.stop();
  }
}
