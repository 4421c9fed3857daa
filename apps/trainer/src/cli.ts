#!/usr/bin/env node
import '@tensorflow/tfjs-layers'; // its Node build registers every gradient
import { InvalidArgumentError, StateRestoreError, TrainkitError } from '@trainkit/core';
import { compareCommand, compareSummary } from './commands/compare';
import { lrFindCommand, lrFindSummary } from './commands/lr-find';
import { recipeCommand, recipeSummary } from './commands/recipe';
import { reportCommand, reportSummary } from './commands/report';
import { sanityCommand, sanitySummary } from './commands/sanity';
import { searchCommand, searchSummary } from './commands/search';
import { trainCommand, trainSummary } from './commands/train';
import { workerCommand, workerSummary } from './commands/worker';
import { exitCodes, TrainerError } from './errors';

const commands: Record<
  string,
  { readonly summary: string; run(argv: readonly string[]): Promise<number> }
> = {
  train: { summary: trainSummary, run: trainCommand },
  sanity: { summary: sanitySummary, run: sanityCommand },
  'lr-find': { summary: lrFindSummary, run: lrFindCommand },
  search: { summary: searchSummary, run: searchCommand },
  worker: { summary: workerSummary, run: workerCommand },
  recipe: { summary: recipeSummary, run: recipeCommand },
  report: { summary: reportSummary, run: reportCommand },
  compare: { summary: compareSummary, run: compareCommand },
};

const usage = `Usage: trainkit <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(8)}  ${command.summary}`)
  .join('\n')}
  help      this text; 'trainkit <command> --help' for a command's options
`;

async function main(args: readonly string[]): Promise<number> {
  // A leading `--` is npm's argument separator (`npm start -- -- --model cnn`, the form that
  // was needed when npm start ran the trainer through turbo): skip it.
  const argv = args[0] === '--' ? args.slice(1) : args;
  const [first, ...rest] = argv;
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'train';
  if (name === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`trainkit: unknown command '${name}'.\n\n${usage}`);
    return exitCodes.badInput;
  }
  return command.run(named ? rest : argv);
}

/** One line for an expected failure ("trainkit train: ..." or "trainkit: <where>: ..."); the stack only for a bug. */
function report(error: unknown): number {
  const line = (message: string) =>
    process.stderr.write(`${message.startsWith('trainkit') ? '' : 'trainkit: '}${message}\n`);
  const parseError = (error as { code?: unknown } | null)?.code;
  if (typeof parseError === 'string' && parseError.startsWith('ERR_PARSE_ARGS')) {
    line(
      `${(error as Error).message.replace(/\. To specify .*$/s, '').replace(/\.?$/, '.')} See '${(error as { command?: string }).command ?? 'trainkit train'} --help'.`,
    );
    return exitCodes.badInput;
  }
  if (TrainerError.isInstance(error)) {
    line(error.message);
    return error.exitCode;
  }
  if (
    InvalidArgumentError.isInstance(error) ||
    StateRestoreError.isInstance(error) ||
    TrainkitError.isInstance(error)
  ) {
    line((error as Error).message);
    return exitCodes.badInput;
  }
  process.stderr.write(
    `trainkit: internal error, please report it (https://github.com/trainkit/trainkit/issues) with this output:\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return exitCodes.internalError;
}

// Errors thrown outside main's promise (timers, callbacks) get the same treatment.
process.on('uncaughtException', (error) => {
  process.exitCode = report(error);
  process.exit();
});
process.on('unhandledRejection', (error) => {
  process.exitCode = report(error);
  process.exit();
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
