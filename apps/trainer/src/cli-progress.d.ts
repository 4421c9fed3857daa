// The part of cli-progress 3.12 the trainer uses (the package ships no types).
declare module 'cli-progress' {
  export interface BarParams {
    readonly progress: number;
    readonly eta: number;
    readonly startTime: number;
    readonly total: number;
    readonly value: number;
    /** The terminal width. */
    readonly maxWidth: number;
  }
  export interface MultiBarOptions {
    readonly stream?: NodeJS.WritableStream;
    readonly format?: (
      options: unknown,
      params: BarParams,
      payload: Record<string, unknown>,
    ) => string;
    readonly hideCursor?: boolean;
    readonly linewrap?: boolean | null;
    readonly clearOnComplete?: boolean;
    readonly stopOnComplete?: boolean;
    readonly gracefulExit?: boolean;
    readonly fps?: number;
    readonly noTTYOutput?: boolean;
    readonly forceRedraw?: boolean;
  }
  export class SingleBar {
    update(value: number, payload?: Record<string, unknown>): void;
  }
  export class MultiBar {
    constructor(options: MultiBarOptions);
    create(total: number, start: number, payload?: Record<string, unknown>): SingleBar;
    log(text: string): void;
    update(): void;
    stop(): void;
  }
}
