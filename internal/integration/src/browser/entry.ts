// The browser bundle's entry: runs the program and leaves its result on the page.
import { runProgram } from './program';

const target = globalThis as { trainkitResult?: unknown; trainkitError?: string };
runProgram().then(
  (result) => {
    target.trainkitResult = result;
  },
  (error: unknown) => {
    target.trainkitError = error instanceof Error ? (error.stack ?? error.message) : String(error);
  },
);
