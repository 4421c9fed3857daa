/**
 * trainkit's SIMD kernels module (kernels.wat, embedded as base64 in
 * kernels-module.ts) instantiated on the WebAssembly backend's own memory, so
 * its functions read and write tensors in place. About 8 KB: compiled
 * synchronously, also where browsers limit synchronous compilation.
 *
 * Two builds of the same source ship: the exact one (every product rounded,
 * then added) and a relaxed-SIMD one whose GEMM uses `f32x4.relaxed_madd`
 * (a fused multiply-add where the CPU has one). The relaxed build is used
 * where the engine validates it (`WebAssembly.validate`: Node 22 and later,
 * current browsers; Node 20 only with `--experimental-wasm-relaxed-simd`).
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { type HeapBackend, isHeapBackend } from '../wasm-kernel-calls';
import { SIMD_KERNELS_BASE64, SIMD_KERNELS_RELAXED_BASE64 } from './kernels-module';

/** The exports of kernels.wat (all arguments are i32: sizes, strides in elements, byte addresses). */
export interface SimdKernels {
  pack_a(a: number, m: number, k: number, sAi: number, sAp: number, dst: number): void;
  pack_b(b: number, k: number, n: number, sBp: number, sBj: number, dst: number): void;
  gemm(
    m: number,
    n: number,
    k: number,
    pa: number,
    pb: number,
    c: number,
    tile: number,
    accumulate: number,
    bStride: number,
    bPanelStep: number,
  ): void;
  sqrt(x: number, out: number, n: number): void;
  col2im_add(
    cols: number,
    dx: number,
    r0: number,
    count: number,
    h: number,
    w: number,
    ci: number,
    kh: number,
    kw: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    top: number,
    left: number,
  ): void;
  conv_pack_rows(
    x: number,
    dst: number,
    r0: number,
    count: number,
    h: number,
    w: number,
    ci: number,
    kh: number,
    kw: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    top: number,
    left: number,
  ): void;
  conv_pack_cols(
    x: number,
    dst: number,
    d0: number,
    drows: number,
    r0: number,
    count: number,
    h: number,
    w: number,
    ci: number,
    kh: number,
    kw: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    top: number,
    left: number,
  ): void;
  binary(
    op: number,
    a: number,
    aMode: number,
    b: number,
    bMode: number,
    out: number,
    rows: number,
    n: number,
  ): void;
  unary(op: number, x: number, out: number, n: number, alpha: number): void;
  column_sums(x: number, rows: number, n: number, acc: number, out: number): void;
  bias_act(c: number, rows: number, n: number, bias: number, hasBias: number, relu: number): void;
  max_pool_grad_disjoint(
    x: number,
    dy: number,
    dx: number,
    batch: number,
    h: number,
    w: number,
    ch: number,
    oh: number,
    ow: number,
    fh: number,
    fw: number,
    sh: number,
    sw: number,
    top: number,
    left: number,
  ): void;
  max_pool_grad_2x2(
    x: number,
    dy: number,
    dx: number,
    batch: number,
    h: number,
    w: number,
    ch: number,
    oh: number,
    ow: number,
  ): void;
  max_pool_2x2(
    x: number,
    out: number,
    batch: number,
    h: number,
    w: number,
    ch: number,
    oh: number,
    ow: number,
  ): void;
  all_finite(x: number, n: number): number;
  adam(
    g: number,
    m: number,
    v: number,
    x: number,
    outM: number,
    outV: number,
    outX: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    epsilon: number,
    negativeLearningRate: number,
  ): void;
}

/** The Emscripten module of the wasm backend (`BackendWasm.wasm`), the parts used here. */
interface EmscriptenModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  asm?: { memory?: unknown };
}

/** The WebAssembly JavaScript API, the parts used here (not typed by the ES2022 lib). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  validate(bytes: Uint8Array): boolean;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}

const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** A wasm backend with its Emscripten module (allocator and memory). */
export type SimdBackend = HeapBackend & KernelBackend & { wasm: EmscriptenModule };

function isSimdBackend(backend: unknown): backend is SimdBackend {
  if (!isHeapBackend(backend)) return false;
  const wasm = (backend as { wasm?: Partial<EmscriptenModule> }).wasm;
  return (
    typeof wasm?._malloc === 'function' &&
    typeof wasm._free === 'function' &&
    webAssembly !== undefined &&
    wasm.asm?.memory instanceof webAssembly.Memory
  );
}

function decode(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compiled modules by build (exact, relaxed); null where the engine cannot run that build. */
const compiled: { exact?: object | null; relaxed?: object | null } = {};

/** The compiled module of a build, or null where the engine cannot run it. */
function simdModule(relaxed: boolean): object | null {
  const key = relaxed ? 'relaxed' : 'exact';
  let module = compiled[key];
  if (module === undefined) {
    module = null;
    try {
      const bytes = decode(relaxed ? SIMD_KERNELS_RELAXED_BASE64 : SIMD_KERNELS_BASE64);
      // validate() first: engines without relaxed SIMD reject it without throwing.
      if (webAssembly?.validate(bytes)) module = new webAssembly.Module(bytes);
    } catch {
      // No WebAssembly SIMD here: the stock kernels run.
    }
    compiled[key] = module;
  }
  return module;
}

let enabled = true;
let relaxedAllowed = true;

/**
 * Turns the SIMD kernels off (the kernels then take their fallback paths, as
 * where WebAssembly SIMD or the memory import is unavailable) or on again.
 * For tests of those fallback paths.
 *
 * @internal
 */
export function setSimdKernelsEnabled(value: boolean): void {
  enabled = value;
}

/**
 * Allows the relaxed-SIMD build where the engine runs it (default), or
 * forces the exact build. For tests of both builds in one process.
 *
 * @internal
 */
export function setRelaxedSimdAllowed(value: boolean): void {
  relaxedAllowed = value;
}

/** Whether this engine validates the relaxed-SIMD build of the kernels. */
export function relaxedSimdSupported(): boolean {
  return simdModule(true) !== null;
}

/** The SIMD kernels on one backend's memory, with that backend. */
export interface SimdInstance {
  readonly kernels: SimdKernels;
  readonly backend: SimdBackend;
  /** Whether these are the relaxed-SIMD build's kernels (fused multiply-adds in the GEMM). */
  readonly relaxed: boolean;
}

/**
 * Instances per backend (looked up first: every matmul, square root and pool
 * gradient asks); null where the backend does not qualify or instantiation
 * failed (e.g. a shared, threaded memory).
 */
const instances = {
  exact: new WeakMap<object, SimdInstance | null>(),
  relaxed: new WeakMap<object, SimdInstance | null>(),
};

function instantiate(backend: unknown, relaxed: boolean): SimdInstance | null {
  const module = simdModule(relaxed);
  if (module === null || webAssembly === undefined || !isSimdBackend(backend)) return null;
  try {
    const instance = new webAssembly.Instance(module, {
      env: { memory: backend.wasm.asm?.memory },
    });
    // A plain copy of the exports (the exports object is frozen; tests spy on the copy).
    return { kernels: { ...(instance.exports as SimdKernels) }, backend, relaxed };
  } catch {
    return null;
  }
}

/**
 * The SIMD kernels on `backend`'s memory with the backend (the relaxed-SIMD
 * build where the engine runs it and it is allowed, else the exact one), or
 * undefined when they cannot run there (not the wasm backend, no WebAssembly
 * SIMD, or a memory the module cannot import).
 */
export function simdKernels(backend: unknown): SimdInstance | undefined {
  if (!enabled || typeof backend !== 'object' || backend === null) return undefined;
  if (relaxedAllowed) {
    let simd = instances.relaxed.get(backend);
    if (simd === undefined) {
      simd = relaxedSimdSupported() ? instantiate(backend, true) : null;
      instances.relaxed.set(backend, simd);
    }
    if (simd !== null) return simd;
  }
  let simd = instances.exact.get(backend);
  if (simd === undefined) {
    simd = instantiate(backend, false);
    instances.exact.set(backend, simd);
  }
  return simd ?? undefined;
}
