// Child process of the lock tests: takes the lock of a directory, prints
// "locked", then waits (until killed), or exits at once with process.exit
// (without releasing) when the second argument is "exit".
import { lockDirectory } from '../directory-lock';

const [directory, mode] = process.argv.slice(2);
lockDirectory(directory!, { purpose: 'the lock test' }).then(
  () => {
    process.stdout.write('locked\n');
    if (mode === 'exit') process.exit(0);
    setInterval(() => undefined, 1000);
  },
  (error: unknown) => {
    process.stdout.write(`refused ${(error as Error).message}\n`);
    process.exit(2);
  },
);
