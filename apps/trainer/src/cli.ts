#!/usr/bin/env node
import '@tensorflow/tfjs-layers'; // its Node build registers every gradient
import { TrainkitError } from '@trainkit/core';
import { parseTrainOptions, trainUsage } from './options';
import { consoleOutput } from './progress';
import { train } from './train';

const usage = `Usage: trainkit <command> [options]

Commands:
  train     train the reference model on MNIST (default)
  help      this text; 'trainkit train --help' for the training options
`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('-') ? 'train' : first;
  const args = command === first ? rest : argv;
  if (command === 'help' || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(command === 'train' ? trainUsage : usage);
    return 0;
  }
  if (command !== 'train') {
    process.stderr.write(`trainkit: unknown command '${command}'.\n\n${usage}`);
    return 2;
  }
  const options = parseTrainOptions(args);
  const stop = { requested: false };
  const result = await train(options, consoleOutput(options.progress), stop);
  return result.interrupted ? 130 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      TrainkitError.isInstance(error) ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`trainkit: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  },
);
