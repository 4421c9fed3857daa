/**
 * trainkit's single-precision matrix product for the WebAssembly backend,
 * from the SIMD module on the backend's own memory (kernels.wat): it reads
 * the operands and writes the product in place. It packs both operands
 * (transposed ones included, by strides) and runs a 4x8 register-blocked
 * kernel, in cache-sized chunks of the inner dimension (k) and of the rows
 * (m): a chunk of packed rows stays in L2 while it meets every packed column
 * panel, so tall-skinny products (convolutions as matrix products: 15,488
 * positions x 144 window values) run as fast as square ones. Chunks of k
 * continue the same sums (C += A·B per chunk), so the result does not
 * depend on the chunking: every element is the sum of its products in order
 * of k, each product rounded then added, from 0 — bit for bit the XNNPACK
 * product inside `@tensorflow/tfjs-backend-wasm` 4.22, at about twice its
 * speed (and without its re-packing of every new right operand).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { wasmMalloc } from '../wasm-kernel-calls';
import { type SimdInstance, simdKernels } from './instance';

/** One operand of {@link WasmGemm.matMul}: a float32 tensor of shape `[...batch, rows, cols]`. */
export interface GemmOperand {
  readonly info: TensorInfo;
  /** Whether the last two axes hold the operand transposed. */
  readonly transposed: boolean;
  /** Number of matrices (product of the leading axes); 1 is broadcast. */
  readonly batch: number;
}

/**
 * A matrix in WebAssembly memory by address and strides (in elements):
 * element `(i, j)` is the float32 at `address + 4 (i rowStride + j colStride)`.
 */
export interface StridedMatrix {
  readonly address: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * Writes rows `i0 .. i0 + rows - 1`, columns `p0 .. p0 + depth - 1` of the
 * left operand `A` into `dst` in the GEMM's packed layout (blocks of 4 rows,
 * `dst[block][p][r]`, zeros past the last row), like the module's `pack_a`.
 */
export type PackRows = (dst: number, i0: number, rows: number, p0: number, depth: number) => void;

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
  /**
   * `C = A·B` (or `C += A·B` with `accumulate`) for strided `A` (m x k) and
   * `B` (k x n) into the row-major `m x n` floats at `c`, all addresses in
   * the backend's memory (read them after any allocation: growing the memory
   * does not move offsets). Requires `m, n, k >= 1`.
   */
  product(
    a: StridedMatrix,
    b: StridedMatrix,
    c: number,
    m: number,
    k: number,
    n: number,
    accumulate?: boolean,
  ): void;
  /**
   * {@link WasmGemm.product} with the left operand packed by `packA` chunk
   * by chunk (an operand that is never materialized, such as a
   * convolution's window matrix).
   */
  packedProduct(
    packA: PackRows,
    b: StridedMatrix,
    c: number,
    m: number,
    k: number,
    n: number,
    options?: PackedProductOptions,
  ): void;
}

/** Options of {@link WasmGemm.packedProduct}. */
export interface PackedProductOptions {
  /** `C += A·B` instead of `C = A·B`. */
  readonly accumulate?: boolean;
  /** Never split `k` (for packers that cannot start inside a row). */
  readonly wholeK?: boolean;
  /** Called after rows `i0 .. i0 + rows - 1` of `C` are final (while they are in cache). */
  readonly after?: (i0: number, rows: number) => void;
}

/**
 * Chunk sizes: `k` in chunks of at most {@link GemmBlocking.kc} (a longer
 * `k` is split evenly), rows in chunks whose packed block is at most
 * {@link GemmBlocking.aBytes} (a multiple of 4 rows).
 */
export interface GemmBlocking {
  kc: number;
  aBytes: number;
  /**
   * Widest row-major right operand read in place instead of packed (its rows
   * fit a few cache lines, so the column panels stay in cache).
   */
  inPlaceColumns: number;
}

/** Measured on the development machine (Zen 5, 48 KB L1d, 1 MB L2). */
const blocking: GemmBlocking = { kc: 1024, aBytes: 160 * 1024, inPlaceColumns: 64 };

/**
 * Sets the chunk sizes (for benchmarks tuning them).
 *
 * @internal
 */
export function setGemmBlocking(value: Partial<GemmBlocking>): void {
  Object.assign(blocking, value);
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

/** The chunk sizes for an `m x k` by `k x n` product. */
function chunks(m: number, k: number, wholeK = false): { kc: number; mc: number } {
  const pieces = wholeK ? 1 : Math.ceil(k / blocking.kc);
  const kc = Math.ceil(k / pieces);
  const rows = Math.floor(blocking.aBytes / (4 * kc)) & ~3;
  return { kc, mc: Math.max(4, Math.min(rows, (m + 3) & ~3)) };
}

function gemmOn({ kernels: exports, backend: heap }: SimdInstance): WasmGemm {
  /** Runs the chunked product with scratch at `tile` (aligned, large enough). */
  const run = (
    packA: PackRows,
    b: StridedMatrix,
    c: number,
    m: number,
    k: number,
    n: number,
    accumulate: boolean,
    tile: number,
    kc: number,
    mc: number,
    after?: (i0: number, rows: number) => void,
  ) => {
    const pa = tile + 128;
    const pb = pa + 16 * (mc >> 2) * kc;
    // A narrow row-major B is read in place (its rows are short: the panels
    // stay in cache); otherwise each chunk of k is packed.
    const inPlace = b.colStride === 1 && n % 8 === 0 && n <= blocking.inPlaceColumns;
    for (let p0 = 0; p0 < k; p0 += kc) {
      const depth = Math.min(kc, k - p0);
      const bChunk = b.address + 4 * p0 * b.rowStride;
      if (!inPlace) exports.pack_b(bChunk, depth, n, b.rowStride, b.colStride, pb);
      const [panels, bStride, bPanelStep] = inPlace
        ? [bChunk, 4 * b.rowStride, 32]
        : [pb, 32, 32 * depth];
      for (let i0 = 0; i0 < m; i0 += mc) {
        const rows = Math.min(mc, m - i0);
        packA(pa, i0, rows, p0, depth);
        exports.gemm(
          rows,
          n,
          depth,
          pa,
          panels,
          c + 4 * i0 * n,
          tile,
          accumulate || p0 > 0 ? 1 : 0,
          bStride,
          bPanelStep,
        );
        if (after !== undefined && p0 + depth === k) after(i0, rows);
      }
    }
  };
  /** {@link PackRows} for a strided matrix (the module's pack_a). */
  const strided =
    (a: StridedMatrix): PackRows =>
    (dst, i0, rows, p0, depth) =>
      exports.pack_a(
        a.address + 4 * (i0 * a.rowStride + p0 * a.colStride),
        rows,
        depth,
        a.rowStride,
        a.colStride,
        dst,
      );
  /** Runs `body` with GEMM scratch for the given chunking; frees it after. */
  const withScratch = (kc: number, mc: number, n: number, body: (tile: number) => void) => {
    const scratch = wasmMalloc(heap, scratchBytes(kc, mc, n), 'wasmGemm');
    try {
      body((scratch + 15) & ~15);
    } finally {
      heap.wasm._free(scratch);
    }
  };
  const scratchBytes = (kc: number, mc: number, n: number) =>
    128 + 16 * (mc >> 2) * kc + 32 * Math.ceil(n / 8) * kc + 16;
  return {
    product(a, b, c, m, k, n, accumulate = false) {
      const { kc, mc } = chunks(m, k);
      withScratch(kc, mc, n, (tile) => run(strided(a), b, c, m, k, n, accumulate, tile, kc, mc));
    },
    packedProduct(packA, b, c, m, k, n, options = {}) {
      const { kc, mc } = chunks(m, k, options.wholeK);
      withScratch(kc, mc, n, (tile) =>
        run(packA, b, c, m, k, n, options.accumulate ?? false, tile, kc, mc, options.after),
      );
    },
    matMul(a, b, out, m, k, n, batch) {
      const { kc, mc } = chunks(m, k);
      withScratch(kc, mc, n, (tile) => {
        // Addresses after the allocation (offsets do not move when memory grows).
        const aAddress = heap.typedArrayFromHeap(a.info).byteOffset;
        const bAddress = heap.typedArrayFromHeap(b.info).byteOffset;
        const cAddress = heap.typedArrayFromHeap(out).byteOffset;
        const [rowStrideA, colStrideA] = a.transposed ? [1, m] : [k, 1];
        const [rowStrideB, colStrideB] = b.transposed ? [1, k] : [n, 1];
        for (let t = 0; t < batch; t++) {
          const left = strided({
            address: aAddress + 4 * m * k * (a.batch > 1 ? t : 0),
            rowStride: rowStrideA,
            colStride: colStrideA,
          });
          const right = {
            address: bAddress + 4 * k * n * (b.batch > 1 ? t : 0),
            rowStride: rowStrideB,
            colStride: colStrideB,
          };
          run(left, right, cAddress + 4 * m * n * t, m, k, n, false, tile, kc, mc);
        }
      });
    },
  };
}
