;; trainkit's SIMD kernels for the memory of the TensorFlow.js WebAssembly
;; backend (imported, so tensors are read and written in place). Built into
;; kernels-module.ts by scripts/build-wasm.mjs; a test checks that the
;; committed bytes are this file's.
;;
;; Single-precision matrix product C = op(A) . op(B).
;;
;; Both operands are first packed into scratch memory:
;;   pack_a: op(A) in blocks of 4 rows, dst[block][p][r] = A(4 block + r, p),
;;           rows past m are zeros;
;;   pack_b: op(B) in panels of 8 columns, dst[panel][p][c] = B(p, 8 panel + c),
;;           columns past n are zeros.
;; Element (i, p) of op(A) is at a + 4 (i sAi + p sAp) and element (p, j) of
;; op(B) at b + 4 (p sBp + j sBj), so transposed operands only swap strides.
;; Then gemm computes every 4x8 block of C with 8 f32x4 accumulators (11 live
;; vector registers: no spills in V8's code), adding a(i, p) b(p, j) for
;; p = 0, 1, ..., k - 1 from zero, each product rounded then added, the same
;; order and rounding as XNNPACK's f32 GEMM.
(module
  (import "env" "memory" (memory 0))

  (func (export "pack_a")
    (param $a i32) (param $m i32) (param $k i32) (param $sAi i32) (param $sAp i32) (param $dst i32)
    (local $i0 i32) (local $p i32) (local $r i32) (local $src i32) (local $rowBytes i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_s (local.get $i0) (local.get $m)))
        (local.set $p (i32.const 0))
        (block $packed
          ;; Full block, rows contiguous (A transposed): one vector per p.
          (if (i32.and (i32.le_s (i32.add (local.get $i0) (i32.const 4)) (local.get $m))
                       (i32.eq (local.get $sAi) (i32.const 1)))
            (then
              (local.set $src (i32.add (local.get $a) (i32.shl (local.get $i0) (i32.const 2))))
              (loop $copy
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                (local.set $src (i32.add (local.get $src) (i32.shl (local.get $sAp) (i32.const 2))))
                (br_if $copy (i32.lt_s (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k))))
              (br $packed)))
          ;; Full block, columns contiguous (A as stored): 4x4 tiles transposed
          ;; with shuffles, then the last k mod 4 columns one by one below.
          (if (i32.and (i32.le_s (i32.add (local.get $i0) (i32.const 4)) (local.get $m))
                       (i32.eq (local.get $sAp) (i32.const 1)))
            (then
              (local.set $rowBytes (i32.shl (local.get $sAi) (i32.const 2)))
              (local.set $src (i32.add (local.get $a) (i32.mul (local.get $i0) (local.get $rowBytes))))
              (block $tilesDone
                (loop $tiles
                  (br_if $tilesDone (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
                  (local.set $x0 (v128.load (local.get $src)))
                  (local.set $x1 (v128.load (i32.add (local.get $src) (local.get $rowBytes))))
                  (local.set $x2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $rowBytes) (i32.const 1)))))
                  (local.set $x3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $rowBytes) (i32.const 3)))))
                  ;; t0 = x0[0] x1[0] x0[1] x1[1], t1 = x0[2] x1[2] x0[3] x1[3]; t2, t3 from x2, x3
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
                  (v128.store offset=0 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (v128.store offset=16 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (v128.store offset=32 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
                  (local.set $src (i32.add (local.get $src) (i32.const 16)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $tiles)))))
          ;; Anything else, and the remaining columns: element by element.
          (block $restDone
            (loop $rest
              (br_if $restDone (i32.ge_s (local.get $p) (local.get $k)))
              (local.set $r (i32.const 0))
              (loop $rows
                (f32.store (local.get $dst)
                  (if (result f32) (i32.lt_s (i32.add (local.get $i0) (local.get $r)) (local.get $m))
                    (then
                      (f32.load (i32.add (local.get $a)
                        (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $sAi))
                                          (i32.mul (local.get $p) (local.get $sAp)))
                                 (i32.const 2)))))
                    (else (f32.const 0))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (br_if $rows (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $rest))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 4)))
        (br $blocks))))

  (func (export "pack_b")
    (param $b i32) (param $k i32) (param $n i32) (param $sBp i32) (param $sBj i32) (param $dst i32)
    (local $j0 i32) (local $p i32) (local $c i32) (local $src i32) (local $rowBytes i32) (local $colBytes i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $x4 v128) (local $x5 v128) (local $x6 v128) (local $x7 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $sBp) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $sBj) (i32.const 2)))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_s (local.get $j0) (local.get $n)))
        (local.set $p (i32.const 0))
        (block $packed
          ;; Full panel, columns contiguous (B as stored): two vectors per p.
          (if (i32.and (i32.le_s (i32.add (local.get $j0) (i32.const 8)) (local.get $n))
                       (i32.eq (local.get $sBj) (i32.const 1)))
            (then
              (local.set $src (i32.add (local.get $b) (i32.shl (local.get $j0) (i32.const 2))))
              (loop $copy
                (v128.store offset=0 (local.get $dst) (v128.load offset=0 (local.get $src)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (br_if $copy (i32.lt_s (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k))))
              (br $packed)))
          ;; Full panel, rows contiguous (B transposed): two 4x4 tiles per 4 p.
          (if (i32.and (i32.le_s (i32.add (local.get $j0) (i32.const 8)) (local.get $n))
                       (i32.eq (local.get $sBp) (i32.const 1)))
            (then
              (local.set $src (i32.add (local.get $b) (i32.mul (local.get $j0) (local.get $colBytes))))
              (block $tilesDone
                (loop $tiles
                  (br_if $tilesDone (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
                  (local.set $x0 (v128.load (local.get $src)))
                  (local.set $x1 (v128.load (i32.add (local.get $src) (local.get $colBytes))))
                  (local.set $x2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $colBytes) (i32.const 1)))))
                  (local.set $x3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $colBytes) (i32.const 3)))))
                  (local.set $x4 (v128.load (i32.add (local.get $src) (i32.shl (local.get $colBytes) (i32.const 2)))))
                  (local.set $x5 (v128.load (i32.add (local.get $src) (i32.mul (local.get $colBytes) (i32.const 5)))))
                  (local.set $x6 (v128.load (i32.add (local.get $src) (i32.mul (local.get $colBytes) (i32.const 6)))))
                  (local.set $x7 (v128.load (i32.add (local.get $src) (i32.mul (local.get $colBytes) (i32.const 7)))))
                  ;; columns 0-3: rows p..p+3 of x0..x3 transposed into dst + 32 q
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
                  (v128.store offset=0 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (v128.store offset=32 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (v128.store offset=64 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (v128.store offset=96 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  ;; columns 4-7 into dst + 32 q + 16
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x4) (local.get $x5)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x4) (local.get $x5)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x6) (local.get $x7)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x6) (local.get $x7)))
                  (v128.store offset=16 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (v128.store offset=80 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (v128.store offset=112 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
                  (local.set $src (i32.add (local.get $src) (i32.const 16)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $tiles)))))
          ;; Anything else, and the remaining rows: element by element.
          (block $restDone
            (loop $rest
              (br_if $restDone (i32.ge_s (local.get $p) (local.get $k)))
              (local.set $c (i32.const 0))
              (loop $columns
                (f32.store (local.get $dst)
                  (if (result f32) (i32.lt_s (i32.add (local.get $j0) (local.get $c)) (local.get $n))
                    (then
                      (f32.load (i32.add (local.get $b)
                        (i32.shl (i32.add (i32.mul (local.get $p) (local.get $sBp))
                                          (i32.mul (i32.add (local.get $j0) (local.get $c)) (local.get $sBj)))
                                 (i32.const 2)))))
                    (else (f32.const 0))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (br_if $columns (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 8))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $rest))))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
        (br $panels))))

  ;; C (m x n, row-major at c) from packed operands; k >= 1. B's panel of
  ;; 8 columns: row p at pb + panel bPanelStep + p bStride (packed: bStride
  ;; 32, bPanelStep 32 k; a row-major B with n a multiple of 8 can be read
  ;; in place: bStride 4 n, bPanelStep 32). Blocks that
  ;; cross the edges of C go through the 128-byte scratch tile. With $acc
  ;; set, the sums start from C's values instead of 0: the product over a
  ;; long k computed in chunks of k (C += A_chunk B_chunk) adds the same
  ;; products in the same order as one call over all of k, bit for bit.
  (func (export "gemm")
    (param $m i32) (param $n i32) (param $k i32) (param $pa i32) (param $pb i32) (param $c i32) (param $tile i32)
    (param $acc i32) (param $bStride i32) (param $bPanelStep i32)
    (local $i0 i32) (local $j0 i32) (local $p i32) (local $a i32) (local $b i32) (local $panel i32)
    (local $out i32) (local $rowBytes i32) (local $r i32) (local $col i32)
    (local $b0 v128) (local $b1 v128) (local $va v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $panel (local.get $pb))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_s (local.get $j0) (local.get $n)))
        (local.set $i0 (i32.const 0))
        (local.set $a (local.get $pa))
        (block $blocksDone
          (loop $blocks
            (br_if $blocksDone (i32.ge_s (local.get $i0) (local.get $m)))
            (if (local.get $acc)
              (then
                (if (i32.and (i32.le_s (i32.add (local.get $i0) (i32.const 4)) (local.get $m))
                             (i32.le_s (i32.add (local.get $j0) (i32.const 8)) (local.get $n)))
                  (then
                    (local.set $out (i32.add (local.get $c)
                      (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $n)) (local.get $j0)) (i32.const 2))))
                    (local.set $c00 (v128.load offset=0 (local.get $out)))
                    (local.set $c01 (v128.load offset=16 (local.get $out)))
                    (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
                    (local.set $c10 (v128.load offset=0 (local.get $out)))
                    (local.set $c11 (v128.load offset=16 (local.get $out)))
                    (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
                    (local.set $c20 (v128.load offset=0 (local.get $out)))
                    (local.set $c21 (v128.load offset=16 (local.get $out)))
                    (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
                    (local.set $c30 (v128.load offset=0 (local.get $out)))
                    (local.set $c31 (v128.load offset=16 (local.get $out))))
                  (else
                    ;; The part of the block inside C into the tile, zeros elsewhere.
                    (local.set $r (i32.const 0))
                    (loop $loadRows
                      (local.set $col (i32.const 0))
                      (loop $loadCols
                        (f32.store
                          (i32.add (local.get $tile)
                            (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $col)) (i32.const 2)))
                          (if (result f32)
                            (i32.and (i32.lt_s (i32.add (local.get $i0) (local.get $r)) (local.get $m))
                                     (i32.lt_s (i32.add (local.get $j0) (local.get $col)) (local.get $n)))
                            (then
                              (f32.load (i32.add (local.get $c)
                                (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $n))
                                                  (i32.add (local.get $j0) (local.get $col)))
                                         (i32.const 2)))))
                            (else (f32.const 0))))
                        (br_if $loadCols (i32.lt_s (local.tee $col (i32.add (local.get $col) (i32.const 1))) (i32.const 8))))
                      (br_if $loadRows (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
                    (local.set $c00 (v128.load offset=0 (local.get $tile)))
                    (local.set $c01 (v128.load offset=16 (local.get $tile)))
                    (local.set $c10 (v128.load offset=32 (local.get $tile)))
                    (local.set $c11 (v128.load offset=48 (local.get $tile)))
                    (local.set $c20 (v128.load offset=64 (local.get $tile)))
                    (local.set $c21 (v128.load offset=80 (local.get $tile)))
                    (local.set $c30 (v128.load offset=96 (local.get $tile)))
                    (local.set $c31 (v128.load offset=112 (local.get $tile))))))
              (else
                (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
                (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
                (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
                (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))))
            (local.set $b (local.get $panel))
            (local.set $p (local.get $k))
            (loop $inner
              (local.set $b0 (v128.load offset=0 (local.get $b)))
              (local.set $b1 (v128.load offset=16 (local.get $b)))
              (local.set $va (v128.load32_splat offset=0 (local.get $a)))
              (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $va) (local.get $b0))))
              (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $va) (local.get $b1))))
              (local.set $va (v128.load32_splat offset=4 (local.get $a)))
              (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $va) (local.get $b0))))
              (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $va) (local.get $b1))))
              (local.set $va (v128.load32_splat offset=8 (local.get $a)))
              (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $va) (local.get $b0))))
              (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $va) (local.get $b1))))
              (local.set $va (v128.load32_splat offset=12 (local.get $a)))
              (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $va) (local.get $b0))))
              (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $va) (local.get $b1))))
              (local.set $a (i32.add (local.get $a) (i32.const 16)))
              (local.set $b (i32.add (local.get $b) (local.get $bStride)))
              (br_if $inner (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
            (if (i32.and (i32.le_s (i32.add (local.get $i0) (i32.const 4)) (local.get $m))
                         (i32.le_s (i32.add (local.get $j0) (i32.const 8)) (local.get $n)))
              (then
                (local.set $out (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $n)) (local.get $j0)) (i32.const 2))))
                (v128.store offset=0 (local.get $out) (local.get $c00))
                (v128.store offset=16 (local.get $out) (local.get $c01))
                (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
                (v128.store offset=0 (local.get $out) (local.get $c10))
                (v128.store offset=16 (local.get $out) (local.get $c11))
                (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
                (v128.store offset=0 (local.get $out) (local.get $c20))
                (v128.store offset=16 (local.get $out) (local.get $c21))
                (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
                (v128.store offset=0 (local.get $out) (local.get $c30))
                (v128.store offset=16 (local.get $out) (local.get $c31)))
              (else
                (v128.store offset=0 (local.get $tile) (local.get $c00))
                (v128.store offset=16 (local.get $tile) (local.get $c01))
                (v128.store offset=32 (local.get $tile) (local.get $c10))
                (v128.store offset=48 (local.get $tile) (local.get $c11))
                (v128.store offset=64 (local.get $tile) (local.get $c20))
                (v128.store offset=80 (local.get $tile) (local.get $c21))
                (v128.store offset=96 (local.get $tile) (local.get $c30))
                (v128.store offset=112 (local.get $tile) (local.get $c31))
                (local.set $r (i32.const 0))
                (block $rowsDone
                  (loop $rows
                    (br_if $rowsDone (i32.or (i32.ge_s (local.get $r) (i32.const 4))
                                             (i32.ge_s (i32.add (local.get $i0) (local.get $r)) (local.get $m))))
                    (local.set $col (i32.const 0))
                    (block $colsDone
                      (loop $cols
                        (br_if $colsDone (i32.or (i32.ge_s (local.get $col) (i32.const 8))
                                                 (i32.ge_s (i32.add (local.get $j0) (local.get $col)) (local.get $n))))
                        (f32.store
                          (i32.add (local.get $c)
                            (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $n))
                                              (i32.add (local.get $j0) (local.get $col)))
                                     (i32.const 2)))
                          (f32.load (i32.add (local.get $tile)
                            (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $col)) (i32.const 2)))))
                        (local.set $col (i32.add (local.get $col) (i32.const 1)))
                        (br $cols)))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $rows)))))
            (local.set $i0 (i32.add (local.get $i0) (i32.const 4)))
            (br $blocks)))
        (local.set $panel (i32.add (local.get $panel) (local.get $bPanelStep)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
        (br $panels))))
;; out[i] = sqrt(x[i]) for i < n: f32x4.sqrt, correctly rounded like the
  ;; scalar f32.sqrt (the shipped Sqrt kernel runs about 8x slower).
  (func (export "sqrt")
    (param $x i32) (param $out i32) (param $n i32)
    (local $end i32) (local $vectorEnd i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vectorEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $x) (local.get $vectorEnd)))
        (v128.store (local.get $out) (f32x4.sqrt (v128.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $vectors)))
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_u (local.get $x) (local.get $end)))
        (f32.store (local.get $out) (f32.sqrt (f32.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $rest))))

  ;; The adjoint of im2col: adds row r of cols (count rows of kh kw ci
  ;; floats; row r is output position r0 + r in row-major (b, i, j) order,
  ;; column (p, q, c) its window) into dx at x[b, i sh + p - top,
  ;; j sw + q - left, c], skipping the padding; rows in order, then p, q, c.
  ;; The input gradient of a convolution, given cols = dy W^T.
  (func (export "col2im_add")
    (param $cols i32) (param $dx i32) (param $r0 i32) (param $count i32) (param $h i32) (param $w i32) (param $ci i32)
    (param $kh i32) (param $kw i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $b i32) (local $i i32) (local $j i32) (local $p i32) (local $q i32) (local $end i32)
    (local $row i32) (local $col i32) (local $pixelBytes i32) (local $dst i32) (local $src i32)
    (local $vectorEnd i32) (local $pixelEnd i32)
    (local.set $pixelBytes (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $end (i32.add (local.get $r0) (local.get $count)))
    (local.set $b (i32.div_u (local.get $r0) (i32.mul (local.get $oh) (local.get $ow))))
    (local.set $i (i32.div_u (i32.rem_u (local.get $r0) (i32.mul (local.get $oh) (local.get $ow))) (local.get $ow)))
    (local.set $j (i32.rem_u (local.get $r0) (local.get $ow)))
    (block $positionsDone (loop $positions
      (br_if $positionsDone (i32.ge_u (local.get $r0) (local.get $end)))
      (local.set $p (i32.const 0))
      (block $pDone (loop $ps
        (br_if $pDone (i32.ge_s (local.get $p) (local.get $kh)))
        (local.set $row (i32.sub (i32.add (i32.mul (local.get $i) (local.get $sh)) (local.get $p)) (local.get $top)))
        (local.set $q (i32.const 0))
        (block $qDone (loop $qs
          (br_if $qDone (i32.ge_s (local.get $q) (local.get $kw)))
          (local.set $col (i32.sub (i32.add (i32.mul (local.get $j) (local.get $sw)) (local.get $q)) (local.get $left)))
          (if (i32.and
                (i32.and (i32.ge_s (local.get $row) (i32.const 0)) (i32.lt_s (local.get $row) (local.get $h)))
                (i32.and (i32.ge_s (local.get $col) (i32.const 0)) (i32.lt_s (local.get $col) (local.get $w))))
            (then
              (local.set $dst (i32.add (local.get $dx)
                (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $row)) (local.get $w))
                                  (local.get $col))
                         (local.get $pixelBytes))))
              (local.set $src (local.get $cols))
              (local.set $pixelEnd (i32.add (local.get $dst) (local.get $pixelBytes)))
              (local.set $vectorEnd (i32.add (local.get $dst) (i32.and (local.get $pixelBytes) (i32.const -16))))
              (block $vDone (loop $vs
                (br_if $vDone (i32.ge_u (local.get $dst) (local.get $vectorEnd)))
                (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                (local.set $src (i32.add (local.get $src) (i32.const 16)))
                (br $vs)))
              (block $sDone (loop $ss
                (br_if $sDone (i32.ge_u (local.get $dst) (local.get $pixelEnd)))
                (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (local.set $src (i32.add (local.get $src) (i32.const 4)))
                (br $ss)))))
          (local.set $cols (i32.add (local.get $cols) (local.get $pixelBytes)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $qs)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ps)))
      (local.set $r0 (i32.add (local.get $r0) (i32.const 1)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (if (i32.eq (local.get $j) (local.get $ow))
        (then
          (local.set $j (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (if (i32.eq (local.get $i) (local.get $oh))
            (then
              (local.set $i (i32.const 0))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))))))
      (br $positions))))

  ;; c[r, j] = act(c[r, j] + bias[j]) for rows x n row-major floats; bias is
  ;; read only when $hasBias; $relu: x < 0 ? 0 : x, then + 0 (a NaN keeps its bits, -0
  ;; becomes 0), the vector lanes' pmax and the scalar tail alike. The epilogue
  ;; of a fused convolution or matmul, each step rounded as the separate
  ;; Add and Relu kernels round.
  (func (export "bias_act")
    (param $c i32) (param $rows i32) (param $n i32) (param $bias i32) (param $hasBias i32) (param $relu i32)
    (local $r i32) (local $j i32) (local $vectorN i32) (local $at i32) (local $v v128) (local $s f32)
    (local.set $vectorN (i32.and (local.get $n) (i32.const -4)))
    (block $rowsDone (loop $rowsLoop
      (br_if $rowsDone (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $vDone (loop $vs
        (br_if $vDone (i32.ge_s (local.get $j) (local.get $vectorN)))
        (local.set $at (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $v (v128.load (local.get $at)))
        (if (local.get $hasBias)
          (then (local.set $v (f32x4.add (local.get $v)
            (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))))
        (if (local.get $relu)
          (then (local.set $v (f32x4.add (f32x4.pmax (local.get $v) (v128.const i32x4 0 0 0 0)) (v128.const i32x4 0 0 0 0)))))
        (v128.store (local.get $at) (local.get $v))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vs)))
      (block $sDone (loop $ss
        (br_if $sDone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $at (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $s (f32.load (local.get $at)))
        (if (local.get $hasBias)
          (then (local.set $s (f32.add (local.get $s)
            (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))))
        (if (local.get $relu)
          (then (local.set $s (f32.add (select (f32.const 0) (local.get $s) (f32.lt (local.get $s) (f32.const 0))) (f32.const 0)))))
        (f32.store (local.get $at) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $ss)))
      (local.set $c (i32.add (local.get $c) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsLoop))))

;; MaxPoolGrad for windows that do not overlap (strides >= window), NHWC,
  ;; channels a multiple of 4, dx zero-filled by the caller: each window's
  ;; gradient goes to its first maximum in row-major order (strict >, so NaN
  ;; never wins and a window without a maximum above -infinity passes
  ;; nothing), 4 channels at a time; dy + 0 turns -0 into +0 like the CPU kernel.
  (func (export "max_pool_grad_disjoint")
    (param $x i32) (param $dy i32) (param $dx i32) (param $batch i32) (param $h i32) (param $w i32)
    (param $ch i32) (param $oh i32) (param $ow i32) (param $fh i32) (param $fw i32)
    (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $d i32) (local $r i32) (local $c i32)
    (local $rMin i32) (local $rMax i32) (local $cMin i32) (local $cMax i32) (local $image i32)
    (local $index i32) (local $window i32) (local $at i32)
    (local $best v128) (local $where v128) (local $v v128) (local $mask v128) (local $g v128)
    (block $batchDone (loop $batches
      (br_if $batchDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $image (i32.mul (local.get $b) (i32.mul (local.get $h) (local.get $w))))
      (local.set $yr (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $yr) (local.get $oh)))
        (local.set $rMin (i32.sub (i32.mul (local.get $yr) (local.get $sh)) (local.get $top)))
        (local.set $rMax (i32.add (local.get $rMin) (local.get $fh)))
        (if (i32.lt_s (local.get $rMin) (i32.const 0)) (then (local.set $rMin (i32.const 0))))
        (if (i32.gt_s (local.get $rMax) (local.get $h)) (then (local.set $rMax (local.get $h))))
        (local.set $yc (i32.const 0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_s (local.get $yc) (local.get $ow)))
          (local.set $cMin (i32.sub (i32.mul (local.get $yc) (local.get $sw)) (local.get $left)))
          (local.set $cMax (i32.add (local.get $cMin) (local.get $fw)))
          (if (i32.lt_s (local.get $cMin) (i32.const 0)) (then (local.set $cMin (i32.const 0))))
          (if (i32.gt_s (local.get $cMax) (local.get $w)) (then (local.set $cMax (local.get $w))))
          (local.set $d (i32.const 0))
          (block $chDone (loop $chs
            (br_if $chDone (i32.ge_s (local.get $d) (local.get $ch)))
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $where (i32x4.splat (i32.const -1)))
            (local.set $r (local.get $rMin))
            (block $rDone (loop $rs
              (br_if $rDone (i32.ge_s (local.get $r) (local.get $rMax)))
              (local.set $c (local.get $cMin))
              (block $cDone (loop $cs
                (br_if $cDone (i32.ge_s (local.get $c) (local.get $cMax)))
                ;; element index of x[b, r, c, d]
                (local.set $index (i32.add (i32.mul (i32.add (i32.add (local.get $image) (i32.mul (local.get $r) (local.get $w))) (local.get $c))
                                                    (local.get $ch))
                                           (local.get $d)))
                (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $index) (i32.const 2)))))
                (local.set $mask (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $mask)))
                (local.set $where (v128.bitselect
                  (i32x4.add (i32x4.splat (local.get $index)) (v128.const i32x4 0 1 2 3))
                  (local.get $where) (local.get $mask)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $cs)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br $rs)))
            (local.set $g (f32x4.add (v128.load (i32.add (local.get $dy) (i32.shl (local.get $window) (i32.const 2))))
                                     (f32x4.splat (f32.const 0))))
            (local.set $at (i32x4.extract_lane 0 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))) (f32x4.extract_lane 0 (local.get $g)))))
            (local.set $at (i32x4.extract_lane 1 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))) (f32x4.extract_lane 1 (local.get $g)))))
            (local.set $at (i32x4.extract_lane 2 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))) (f32x4.extract_lane 2 (local.get $g)))))
            (local.set $at (i32x4.extract_lane 3 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))) (f32x4.extract_lane 3 (local.get $g)))))
            (local.set $window (i32.add (local.get $window) (i32.const 4)))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $chs)))
          (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
          (br $cols)))
        (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
        (br $rows)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batches))))

  ;; One Adam update of n float32 weights, every step rounded to float32 in
  ;; the order of TensorFlow.js' AdamOptimizer (so equal bit for bit to its 14
  ;; separate kernels on the wasm and CPU backends):
  ;;   m' = m b1 + g omb1              (omb1 = fround(1 - beta1))
  ;;   v' = v b2 + (g g) omb2
  ;;   x' = ((m' / c1) / (sqrt(v' / c2) + eps)) negLr + x
  ;; with c1 = 1 - beta1^t, c2 = 1 - beta2^t (as float32) and negLr = -lr.
  (func (export "adam")
    (param $g i32) (param $m i32) (param $v i32) (param $x i32)
    (param $outM i32) (param $outV i32) (param $outX i32) (param $n i32)
    (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $negLr f32)
    (local $i i32) (local $vectorEnd i32) (local $end i32)
    (local $vb1 v128) (local $vomb1 v128) (local $vb2 v128) (local $vomb2 v128)
    (local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $vlr v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vomb1 (f32x4.splat (local.get $omb1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vomb2 (f32x4.splat (local.get $omb2)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vlr (f32x4.splat (local.get $negLr)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $vectorEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $vb1))
          (f32x4.mul (local.get $gv) (local.get $vomb1))))
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $vb2))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $vomb2))))
        (v128.store (i32.add (local.get $outM) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $outV) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $outX) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $vc1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $vc2))) (local.get $veps)))
              (local.get $vlr))
            (v128.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $omb1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $omb2))))
        (f32.store (i32.add (local.get $outM) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $outV) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $outX) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $eps)))
              (local.get $negLr))
            (f32.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rest))))

  ;; Packed rows for the GEMM (pack_a's layout: blocks of 4 rows, dst[block][d][r])
  ;; straight from x, for a convolution's forward pass: row r is output
  ;; position r0 + r (b, i, j in row-major order), column d = (p, q, c) of its
  ;; window, 0 in the padding and for rows past count. Where all 4 windows of
  ;; a block lie inside x and ci is a multiple of 4, 4x4 tiles are moved with
  ;; shuffles; otherwise element by element.
  (func (export "conv_pack_rows")
    (param $x i32) (param $dst i32) (param $r0 i32) (param $count i32) (param $h i32) (param $w i32) (param $ci i32)
    (param $kh i32) (param $kw i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $end i32) (local $b i32) (local $i i32) (local $j i32) (local $r i32)
    (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $n0 i32) (local $n1 i32) (local $n2 i32) (local $n3 i32)
    (local $rows i32) (local $inside i32) (local $p i32) (local $q i32) (local $c i32)
    (local $off i32) (local $yy i32) (local $xx i32) (local $ny i32) (local $nx i32) (local $nn i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $end (i32.add (local.get $r0) (local.get $count)))
    (local.set $b (i32.div_u (local.get $r0) (i32.mul (local.get $oh) (local.get $ow))))
    (local.set $i (i32.div_u (i32.rem_u (local.get $r0) (i32.mul (local.get $oh) (local.get $ow))) (local.get $ow)))
    (local.set $j (i32.rem_u (local.get $r0) (local.get $ow)))
    (block $blocksDone (loop $blocks
      (br_if $blocksDone (i32.ge_u (local.get $r0) (local.get $end)))
      ;; The block's 4 windows: top-left corner (y, x) and image index n; n = -1 past count.
      (local.set $rows (i32.sub (local.get $end) (local.get $r0)))
      (local.set $r (i32.const 0))
      (loop $corners
        (if (i32.lt_u (local.get $r) (local.get $rows))
          (then
            (local.set $yy (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $top)))
            (local.set $xx (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $left)))
            (local.set $nn (local.get $b))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (if (i32.eq (local.get $j) (local.get $ow))
              (then
                (local.set $j (i32.const 0))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (if (i32.eq (local.get $i) (local.get $oh))
                  (then (local.set $i (i32.const 0)) (local.set $b (i32.add (local.get $b) (i32.const 1))))))))
          (else (local.set $yy (i32.const 0)) (local.set $xx (i32.const 0)) (local.set $nn (i32.const -1))))
        (if (i32.eqz (local.get $r)) (then (local.set $y0 (local.get $yy)) (local.set $x0 (local.get $xx)) (local.set $n0 (local.get $nn))))
        (if (i32.eq (local.get $r) (i32.const 1)) (then (local.set $y1 (local.get $yy)) (local.set $x1 (local.get $xx)) (local.set $n1 (local.get $nn))))
        (if (i32.eq (local.get $r) (i32.const 2)) (then (local.set $y2 (local.get $yy)) (local.set $x2 (local.get $xx)) (local.set $n2 (local.get $nn))))
        (if (i32.eq (local.get $r) (i32.const 3)) (then (local.set $y3 (local.get $yy)) (local.set $x3 (local.get $xx)) (local.set $n3 (local.get $nn))))
        (br_if $corners (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
      ;; Fast paths: 4 rows, every window inside x (then 4x4 tiles when ci is a multiple of 4).
      (local.set $inside (i32.ge_u (local.get $rows) (i32.const 4)))
      (local.set $r (i32.const 0))
      (loop $check
        (if (i32.eqz (local.get $r)) (then (local.set $yy (local.get $y0)) (local.set $xx (local.get $x0))))
        (if (i32.eq (local.get $r) (i32.const 1)) (then (local.set $yy (local.get $y1)) (local.set $xx (local.get $x1))))
        (if (i32.eq (local.get $r) (i32.const 2)) (then (local.set $yy (local.get $y2)) (local.set $xx (local.get $x2))))
        (if (i32.eq (local.get $r) (i32.const 3)) (then (local.set $yy (local.get $y3)) (local.set $xx (local.get $x3))))
        (if (i32.or (i32.or (i32.lt_s (local.get $yy) (i32.const 0)) (i32.gt_s (i32.add (local.get $yy) (local.get $kh)) (local.get $h)))
                    (i32.or (i32.lt_s (local.get $xx) (i32.const 0)) (i32.gt_s (i32.add (local.get $xx) (local.get $kw)) (local.get $w))))
          (then (local.set $inside (i32.const 0))))
        (br_if $check (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
      (if (i32.and (i32.and (local.get $inside) (i32.eq (local.get $ci) (i32.const 1)))
                   (i32.and (i32.and (i32.eq (local.get $n3) (local.get $n0)) (i32.eq (local.get $y3) (local.get $y0)))
                            (i32.eq (local.get $x3) (i32.add (local.get $x0) (i32.const 3)))))
        (then
          ;; One channel, stride 1, the 4 positions side by side in one output
          ;; row: window value (p, q) of the 4 rows is 4 consecutive floats of x.
          (local.set $a0 (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $n0) (local.get $h)) (local.get $y0)) (local.get $w)) (local.get $x0)) (i32.const 2))))
          (local.set $p (i32.const 0))
          (loop $op
            (local.set $off (i32.shl (i32.mul (local.get $p) (local.get $w)) (i32.const 2)))
            (local.set $q (i32.const 0))
            (loop $oq
              (v128.store (local.get $dst) (v128.load (i32.add (local.get $a0) (local.get $off))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $off (i32.add (local.get $off) (i32.const 4)))
              (br_if $oq (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $kw))))
            (br_if $op (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kh)))))
      (else (if (i32.and (local.get $inside) (i32.eqz (i32.and (local.get $ci) (i32.const 3))))
        (then
          ;; Byte address of x[n, y, x, 0] for each row; window (p, q, c) adds the same offset to all four.
          (local.set $a0 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n0) (local.get $h)) (local.get $y0)) (local.get $w)) (local.get $x0)) (local.get $ci)) (i32.const 2))))
          (local.set $a1 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n1) (local.get $h)) (local.get $y1)) (local.get $w)) (local.get $x1)) (local.get $ci)) (i32.const 2))))
          (local.set $a2 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n2) (local.get $h)) (local.get $y2)) (local.get $w)) (local.get $x2)) (local.get $ci)) (i32.const 2))))
          (local.set $a3 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n3) (local.get $h)) (local.get $y3)) (local.get $w)) (local.get $x3)) (local.get $ci)) (i32.const 2))))
          (local.set $p (i32.const 0))
          (loop $ps
            (local.set $q (i32.const 0))
            (loop $qs
              (local.set $off (i32.shl (i32.mul (i32.add (i32.mul (local.get $p) (local.get $w)) (local.get $q)) (local.get $ci)) (i32.const 2)))
              (local.set $c (i32.const 0))
              (loop $cs
                (local.set $v0 (v128.load (i32.add (local.get $a0) (local.get $off))))
                (local.set $v1 (v128.load (i32.add (local.get $a1) (local.get $off))))
                (local.set $v2 (v128.load (i32.add (local.get $a2) (local.get $off))))
                (local.set $v3 (v128.load (i32.add (local.get $a3) (local.get $off))))
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
                (v128.store offset=0 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (v128.store offset=16 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (v128.store offset=32 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
                (local.set $off (i32.add (local.get $off) (i32.const 16)))
                (br_if $cs (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 4))) (local.get $ci))))
              (br_if $qs (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $kw))))
            (br_if $ps (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kh)))))
        (else (if (local.get $inside)
        (then
          ;; Every window inside, other channel counts: one element of each row per step.
          (local.set $a0 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n0) (local.get $h)) (local.get $y0)) (local.get $w)) (local.get $x0)) (local.get $ci)) (i32.const 2))))
          (local.set $a1 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n1) (local.get $h)) (local.get $y1)) (local.get $w)) (local.get $x1)) (local.get $ci)) (i32.const 2))))
          (local.set $a2 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n2) (local.get $h)) (local.get $y2)) (local.get $w)) (local.get $x2)) (local.get $ci)) (i32.const 2))))
          (local.set $a3 (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n3) (local.get $h)) (local.get $y3)) (local.get $w)) (local.get $x3)) (local.get $ci)) (i32.const 2))))
          (local.set $p (i32.const 0))
          (loop $sp
            (local.set $q (i32.const 0))
            (loop $sq
              (local.set $off (i32.shl (i32.mul (i32.add (i32.mul (local.get $p) (local.get $w)) (local.get $q)) (local.get $ci)) (i32.const 2)))
              (local.set $c (i32.const 0))
              (loop $sc
                (v128.store (local.get $dst)
                  (f32x4.replace_lane 3
                    (f32x4.replace_lane 2
                      (f32x4.replace_lane 1
                        (v128.load32_splat (i32.add (local.get $a0) (local.get $off)))
                        (f32.load (i32.add (local.get $a1) (local.get $off))))
                      (f32.load (i32.add (local.get $a2) (local.get $off))))
                    (f32.load (i32.add (local.get $a3) (local.get $off)))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                (local.set $off (i32.add (local.get $off) (i32.const 4)))
                (br_if $sc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ci))))
              (br_if $sq (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $kw))))
            (br_if $sp (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kh)))))
        (else
          (local.set $p (i32.const 0))
          (loop $gp
            (local.set $q (i32.const 0))
            (loop $gq
              (local.set $c (i32.const 0))
              (loop $gc
                (local.set $r (i32.const 0))
                (loop $gr
                  (if (i32.eqz (local.get $r)) (then (local.set $yy (local.get $y0)) (local.set $xx (local.get $x0)) (local.set $nn (local.get $n0))))
                  (if (i32.eq (local.get $r) (i32.const 1)) (then (local.set $yy (local.get $y1)) (local.set $xx (local.get $x1)) (local.set $nn (local.get $n1))))
                  (if (i32.eq (local.get $r) (i32.const 2)) (then (local.set $yy (local.get $y2)) (local.set $xx (local.get $x2)) (local.set $nn (local.get $n2))))
                  (if (i32.eq (local.get $r) (i32.const 3)) (then (local.set $yy (local.get $y3)) (local.set $xx (local.get $x3)) (local.set $nn (local.get $n3))))
                  (local.set $ny (i32.add (local.get $yy) (local.get $p)))
                  (local.set $nx (i32.add (local.get $xx) (local.get $q)))
                  (f32.store (local.get $dst)
                    (if (result f32)
                      (i32.and (i32.ge_s (local.get $nn) (i32.const 0))
                        (i32.and (i32.and (i32.ge_s (local.get $ny) (i32.const 0)) (i32.lt_s (local.get $ny) (local.get $h)))
                                 (i32.and (i32.ge_s (local.get $nx) (i32.const 0)) (i32.lt_s (local.get $nx) (local.get $w)))))
                      (then (f32.load (i32.add (local.get $x)
                        (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $nn) (local.get $h)) (local.get $ny)) (local.get $w)) (local.get $nx)) (local.get $ci)) (local.get $c)) (i32.const 2)))))
                      (else (f32.const 0))))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                  (br_if $gr (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
                (br_if $gc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ci))))
              (br_if $gq (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $kw))))
            (br_if $gp (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kh))))))))))
      (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))
      (br $blocks))))

  ;; One lane of conv_pack_cols: for output positions r0 .. r0 + count - 1,
  ;; window value (p, q, c) (4 channels c .. c + 3 when $vector) at out + 16 k,
  ;; 0 where the window reads the padding. Walks the positions a row of the
  ;; output at a time; within a row the columns that read inside x are a
  ;; contiguous range, read with a running address.
  (func $cols_lane
    (param $x i32) (param $out i32) (param $p i32) (param $q i32) (param $c i32) (param $vector i32)
    (param $r0 i32) (param $count i32)
    (param $h i32) (param $w i32) (param $ci i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $b i32) (local $i i32) (local $j i32) (local $k i32) (local $segEnd i32)
    (local $row i32) (local $jlo i32) (local $jhi i32) (local $stop i32) (local $src i32) (local $step i32)
    (local.set $b (i32.div_u (local.get $r0) (i32.mul (local.get $oh) (local.get $ow))))
    (local.set $i (i32.div_u (i32.rem_u (local.get $r0) (i32.mul (local.get $oh) (local.get $ow))) (local.get $ow)))
    (local.set $j (i32.rem_u (local.get $r0) (local.get $ow)))
    (local.set $step (i32.shl (i32.mul (local.get $sw) (local.get $ci)) (i32.const 2)))
    ;; Output columns j with 0 <= j sw - left + q < w: jlo <= j < jhi.
    (local.set $jlo (i32.const 0))
    (if (i32.gt_s (i32.sub (local.get $left) (local.get $q)) (i32.const 0))
      (then (local.set $jlo (i32.div_u (i32.add (i32.sub (local.get $left) (local.get $q)) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw)))))
    (local.set $jhi (i32.const 0))
    (if (i32.gt_s (i32.add (i32.sub (local.get $w) (local.get $q)) (local.get $left)) (i32.const 0))
      (then (local.set $jhi (i32.div_u (i32.add (i32.add (i32.sub (local.get $w) (local.get $q)) (local.get $left)) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw)))))
    (if (i32.gt_s (local.get $jhi) (local.get $ow)) (then (local.set $jhi (local.get $ow))))
    (block $done (loop $segments
      (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
      (local.set $segEnd (i32.add (local.get $k) (i32.sub (local.get $ow) (local.get $j))))
      (if (i32.gt_u (local.get $segEnd) (local.get $count)) (then (local.set $segEnd (local.get $count))))
      (local.set $row (i32.add (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $top)) (local.get $p)))
      (if (i32.and (i32.ge_s (local.get $row) (i32.const 0)) (i32.lt_s (local.get $row) (local.get $h)))
        (then
          ;; zeros while j < jlo
          (local.set $stop (i32.add (local.get $k) (i32.sub (local.get $jlo) (local.get $j))))
          (if (i32.gt_s (local.get $stop) (local.get $segEnd)) (then (local.set $stop (local.get $segEnd))))
          (block $zDone (loop $zs
            (br_if $zDone (i32.ge_s (local.get $k) (local.get $stop)))
            (if (local.get $vector)
              (then (v128.store (local.get $out) (v128.const i32x4 0 0 0 0)))
              (else (f32.store (local.get $out) (f32.const 0))))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $zs)))
          ;; reads while j < jhi: x[b, row, j sw - left + q, c]
          (local.set $stop (i32.add (local.get $k) (i32.sub (local.get $jhi) (local.get $j))))
          (if (i32.gt_s (local.get $stop) (local.get $segEnd)) (then (local.set $stop (local.get $segEnd))))
          (local.set $src (i32.add (local.get $x) (i32.shl
            (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $row)) (local.get $w))
                                       (i32.add (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $left)) (local.get $q)))
                              (local.get $ci))
                     (local.get $c))
            (i32.const 2))))
          (if (local.get $vector)
            (then
              (block $vDone (loop $vs
                (br_if $vDone (i32.ge_s (local.get $k) (local.get $stop)))
                (v128.store (local.get $out) (v128.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $step)))
                (local.set $out (i32.add (local.get $out) (i32.const 16)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $vs))))
            (else
              (block $sDone (loop $ss
                (br_if $sDone (i32.ge_s (local.get $k) (local.get $stop)))
                (f32.store (local.get $out) (f32.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $step)))
                (local.set $out (i32.add (local.get $out) (i32.const 16)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $ss))))))
        (else))
      ;; zeros for the rest of the segment (padding rows, or j >= jhi)
      (block $tDone (loop $ts
        (br_if $tDone (i32.ge_u (local.get $k) (local.get $segEnd)))
        (if (local.get $vector)
          (then (v128.store (local.get $out) (v128.const i32x4 0 0 0 0)))
          (else (f32.store (local.get $out) (f32.const 0))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ts)))
      (local.set $j (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.eq (local.get $i) (local.get $oh))
        (then (local.set $i (i32.const 0)) (local.set $b (i32.add (local.get $b) (i32.const 1)))))
      (br $segments))))

  ;; Packed rows for the GEMM (pack_a's layout) of the transposed window
  ;; matrix, for a convolution's filter gradient: row d (d0 <= d < d0 + drows,
  ;; d = (p, q, c) of the window) over columns k = output positions r0 .. r0 +
  ;; count - 1: dst[block][k][t] = window value d0 + 4 block + t of position
  ;; r0 + k, 0 in the padding and for rows past drows. A block of 4 channels of
  ;; one (p, q) is one 16-byte load per position when ci is a multiple of 4;
  ;; otherwise each of the 4 lanes is a pass of scalar loads.
  (func (export "conv_pack_cols")
    (param $x i32) (param $dst i32) (param $d0 i32) (param $drows i32) (param $r0 i32) (param $count i32)
    (param $h i32) (param $w i32) (param $ci i32)
    (param $kh i32) (param $kw i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $dEnd i32) (local $d i32) (local $t i32) (local $dd i32) (local $k i32) (local $out i32)
    (local.set $dEnd (i32.add (local.get $d0) (local.get $drows)))
    (local.set $d (local.get $d0))
    (block $blocksDone (loop $blocks
      (br_if $blocksDone (i32.ge_u (local.get $d) (local.get $dEnd)))
      (if (i32.and
            (i32.and (i32.eqz (i32.and (local.get $ci) (i32.const 3))) (i32.le_u (i32.add (local.get $d) (i32.const 4)) (local.get $dEnd)))
            (i32.le_u (i32.add (i32.rem_u (local.get $d) (local.get $ci)) (i32.const 4)) (local.get $ci)))
        (then
          (call $cols_lane (local.get $x) (local.get $dst)
            (i32.div_u (local.get $d) (i32.mul (local.get $kw) (local.get $ci)))
            (i32.rem_u (i32.div_u (local.get $d) (local.get $ci)) (local.get $kw))
            (i32.rem_u (local.get $d) (local.get $ci))
            (i32.const 1) (local.get $r0) (local.get $count)
            (local.get $h) (local.get $w) (local.get $ci) (local.get $oh) (local.get $ow)
            (local.get $sh) (local.get $sw) (local.get $top) (local.get $left)))
        (else
          (local.set $t (i32.const 0))
          (loop $lanes
            (local.set $dd (i32.add (local.get $d) (local.get $t)))
            (if (i32.lt_u (local.get $dd) (local.get $dEnd))
              (then
                (call $cols_lane (local.get $x) (i32.add (local.get $dst) (i32.shl (local.get $t) (i32.const 2)))
                  (i32.div_u (local.get $dd) (i32.mul (local.get $kw) (local.get $ci)))
                  (i32.rem_u (i32.div_u (local.get $dd) (local.get $ci)) (local.get $kw))
                  (i32.rem_u (local.get $dd) (local.get $ci))
                  (i32.const 0) (local.get $r0) (local.get $count)
                  (local.get $h) (local.get $w) (local.get $ci) (local.get $oh) (local.get $ow)
                  (local.get $sh) (local.get $sw) (local.get $top) (local.get $left)))
              (else
                ;; rows past drows: zeros
                (local.set $out (i32.add (local.get $dst) (i32.shl (local.get $t) (i32.const 2))))
                (local.set $k (i32.const 0))
                (block $zDone (loop $zs
                  (br_if $zDone (i32.ge_u (local.get $k) (local.get $count)))
                  (f32.store (local.get $out) (f32.const 0))
                  (local.set $out (i32.add (local.get $out) (i32.const 16)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $zs)))))
            (br_if $lanes (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (i32.const 4))))))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $count) (i32.const 4))))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br $blocks))))

  ;; out[r, j] = a[r, j] op b[r, j] for rows x n float32s, op 0 add, 1 sub,
  ;; 2 mul, 3 div (IEEE, as the scalar kernels round). Each operand by mode:
  ;; 0 full (rows x n), 1 one row of n broadcast over the rows, 2 a scalar.
  (func (export "binary")
    (param $op i32) (param $a i32) (param $aMode i32) (param $b i32) (param $bMode i32)
    (param $out i32) (param $rows i32) (param $n i32)
    (local $r i32) (local $j i32) (local $vn i32) (local $pa i32) (local $pb i32)
    (local $va v128) (local $vb v128) (local $sa f32) (local $sb f32) (local $sv f32)
    (local $aStep i32) (local $bStep i32)
    (local.set $vn (i32.and (local.get $n) (i32.const -4)))
    (local.set $aStep (i32.shl (i32.ne (local.get $aMode) (i32.const 2)) (i32.const 2)))
    (local.set $bStep (i32.shl (i32.ne (local.get $bMode) (i32.const 2)) (i32.const 2)))
    (block $rowsDone (loop $rowsLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $pa (i32.add (local.get $a)
        (if (result i32) (i32.eqz (local.get $aMode))
          (then (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))) (else (i32.const 0)))))
      (local.set $pb (i32.add (local.get $b)
        (if (result i32) (i32.eqz (local.get $bMode))
          (then (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))) (else (i32.const 0)))))
      (local.set $j (i32.const 0))
      (block $vDone (loop $vs
        (br_if $vDone (i32.ge_u (local.get $j) (local.get $vn)))
        (local.set $va (if (result v128) (i32.eq (local.get $aMode) (i32.const 2))
          (then (v128.load32_splat (local.get $pa))) (else (v128.load (local.get $pa)))))
        (local.set $vb (if (result v128) (i32.eq (local.get $bMode) (i32.const 2))
          (then (v128.load32_splat (local.get $pb))) (else (v128.load (local.get $pb)))))
        (v128.store (local.get $out)
          (block $done (result v128)
            (block $div (block $mul (block $sub (block $add
              (br_table $add $sub $mul $div (local.get $op)))
              (br $done (f32x4.add (local.get $va) (local.get $vb))))
              (br $done (f32x4.sub (local.get $va) (local.get $vb))))
              (br $done (f32x4.mul (local.get $va) (local.get $vb))))
            (f32x4.div (local.get $va) (local.get $vb))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $pa (i32.add (local.get $pa) (i32.shl (local.get $aStep) (i32.const 2))))
        (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $bStep) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vs)))
      (block $sDone (loop $ss
        (br_if $sDone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $sa (f32.load (local.get $pa)))
        (local.set $sb (f32.load (local.get $pb)))
        (f32.store (local.get $out)
          (block $sdone (result f32)
            (block $sdiv (block $smul (block $ssub (block $sadd
              (br_table $sadd $ssub $smul $sdiv (local.get $op)))
              (br $sdone (f32.add (local.get $sa) (local.get $sb))))
              (br $sdone (f32.sub (local.get $sa) (local.get $sb))))
              (br $sdone (f32.mul (local.get $sa) (local.get $sb))))
            (f32.div (local.get $sa) (local.get $sb))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $ss)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsLoop))))

  ;; out[i] = f(x[i]) for n float32s: op 0 relu (x < 0 ? 0 : x, then + 0: a NaN keeps its bits,
  ;; -0 becomes 0, in the vector lanes and the tail alike), op 1 step (1 where x > 0, NaN where x
  ;; is NaN, else alpha).
  (func (export "unary")
    (param $op i32) (param $x i32) (param $out i32) (param $n i32) (param $alpha f32)
    (local $end i32) (local $vectorEnd i32) (local $v v128) (local $s f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vectorEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (if (i32.eqz (local.get $op))
      (then
        (block $rDone (loop $rs
          (br_if $rDone (i32.ge_u (local.get $x) (local.get $vectorEnd)))
          ;; pmax(x, 0) = x < 0 ? 0 : x (one maxps); + 0 turns -0 into 0, as Math.max(0, x).
          (v128.store (local.get $out)
            (f32x4.add (f32x4.pmax (v128.load (local.get $x)) (v128.const i32x4 0 0 0 0)) (v128.const i32x4 0 0 0 0)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br $rs))))
      (else
        (block $vDone (loop $vs
          (br_if $vDone (i32.ge_u (local.get $x) (local.get $vectorEnd)))
          (local.set $v (v128.load (local.get $x)))
          (v128.store (local.get $out)
            (v128.bitselect
              (local.get $v)
              (v128.bitselect (v128.const f32x4 1 1 1 1) (f32x4.splat (local.get $alpha))
                (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0)))
              (f32x4.ne (local.get $v) (local.get $v))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br $vs)))))
    (block $sDone (loop $ss
      (br_if $sDone (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $s (f32.load (local.get $x)))
      (f32.store (local.get $out)
        (if (result f32) (i32.eqz (local.get $op))
          (then (f32.add (select (f32.const 0) (local.get $s) (f32.lt (local.get $s) (f32.const 0))) (f32.const 0)))
          (else
            (if (result f32) (f32.ne (local.get $s) (local.get $s))
              (then (local.get $s))
              (else (select (f32.const 1) (local.get $alpha) (f32.gt (local.get $s) (f32.const 0))))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $ss))))

  ;; Column sums of a rows x n float32 matrix, accumulated in float64 in row
  ;; order from 0 (the CPU backend's Sum), rounded to float32 once: acc is n
  ;; float64s of scratch, out n float32s.
  (func (export "column_sums")
    (param $x i32) (param $rows i32) (param $n i32) (param $acc i32) (param $out i32)
    (local $r i32) (local $j i32) (local $vn i32) (local $v v128) (local $at i32)
    (local.set $vn (i32.and (local.get $n) (i32.const -4)))
    (local.set $j (i32.const 0))
    (block $zDone (loop $zs
      (br_if $zDone (i32.ge_u (local.get $j) (local.get $n)))
      (f64.store (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $zs)))
    (block $rowsDone (loop $rowsLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $vDone (loop $vs
        (br_if $vDone (i32.ge_u (local.get $j) (local.get $vn)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $at (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store offset=0 (local.get $at)
          (f64x2.add (v128.load offset=0 (local.get $at)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $at)
          (f64x2.add (v128.load offset=16 (local.get $at))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vs)))
      (block $sDone (loop $ss
        (br_if $sDone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $at (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.promote_f32 (f32.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $ss)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsLoop)))
    (local.set $j (i32.const 0))
    (block $oDone (loop $os
      (br_if $oDone (i32.ge_u (local.get $j) (local.get $n)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
        (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $os))))

;; 1 when none of the n float32 at x is NaN or infinite (exponent bits all
  ;; ones), else 0: bit tests, 16 values per iteration, no floating-point
  ;; arithmetic (so no latency chain, and NaN payloads do not matter).
  (func (export "all_finite")
    (param $x i32) (param $n i32) (result i32)
    (local $end i32) (local $blockEnd i32) (local $bad v128) (local $exp v128) (local $tail i32)
    (local.set $exp (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $blockEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $x) (local.get $blockEnd)))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or
            (v128.or
              (i32x4.eq (v128.and (v128.load offset=0 (local.get $x)) (local.get $exp)) (local.get $exp))
              (i32x4.eq (v128.and (v128.load offset=16 (local.get $x)) (local.get $exp)) (local.get $exp)))
            (v128.or
              (i32x4.eq (v128.and (v128.load offset=32 (local.get $x)) (local.get $exp)) (local.get $exp))
              (i32x4.eq (v128.and (v128.load offset=48 (local.get $x)) (local.get $exp)) (local.get $exp))))))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (br $blocks)))
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $tail (i32.or (local.get $tail)
          (i32.eq (i32.and (i32.load (local.get $x)) (i32.const 0x7f800000)) (i32.const 0x7f800000))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $rest)))
    (i32.eqz (i32.or (local.get $tail) (v128.any_true (local.get $bad)))))

  ;; MaxPoolGrad for 2x2 windows with stride 2 and no padding, NHWC, channels
  ;; a multiple of 4: each window's gradient goes to its first maximum in
  ;; row-major order (strict >: NaN never wins, a window without a maximum
  ;; above -infinity passes nothing), dy + 0 (so -0 becomes +0), and every
  ;; other element of the window gets 0, 4 channels at a time. Writes every
  ;; element of dx the windows cover (all of it when h and w are even).
  (func (export "max_pool_grad_2x2")
    (param $x i32) (param $dy i32) (param $dx i32) (param $batch i32) (param $h i32) (param $w i32)
    (param $ch i32) (param $oh i32) (param $ow i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $d i32) (local $rowBytes i32) (local $pixelBytes i32)
    (local $o00 i32) (local $at i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $best v128) (local $where v128) (local $gt v128) (local $g v128)
    (local.set $pixelBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $w) (local.get $pixelBytes)))
    (block $batchDone (loop $batches
      (br_if $batchDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $yr (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $yr) (local.get $oh)))
        (local.set $yc (i32.const 0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_s (local.get $yc) (local.get $ow)))
          ;; byte offset of element (b, 2 yr, 2 yc, 0)
          (local.set $o00 (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $yr) (i32.const 1))) (local.get $w))
                                            (i32.shl (local.get $yc) (i32.const 1)))
                                   (local.get $pixelBytes)))
          (local.set $d (i32.const 0))
          (block $chDone (loop $chs
            (br_if $chDone (i32.ge_s (local.get $d) (local.get $pixelBytes)))
            (local.set $at (i32.add (local.get $o00) (local.get $d)))
            (local.set $v0 (v128.load (i32.add (local.get $x) (local.get $at))))
            (local.set $v1 (v128.load (i32.add (i32.add (local.get $x) (local.get $at)) (local.get $pixelBytes))))
            (local.set $v2 (v128.load (i32.add (i32.add (local.get $x) (local.get $at)) (local.get $rowBytes))))
            (local.set $v3 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $at)) (local.get $rowBytes)) (local.get $pixelBytes))))
            (local.set $gt (f32x4.gt (local.get $v0) (f32x4.splat (f32.const -inf))))
            (local.set $best (v128.bitselect (local.get $v0) (f32x4.splat (f32.const -inf)) (local.get $gt)))
            (local.set $where (v128.bitselect (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $gt)))
            (local.set $gt (f32x4.gt (local.get $v1) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v1) (local.get $best) (local.get $gt)))
            (local.set $where (v128.bitselect (v128.const i32x4 1 1 1 1) (local.get $where) (local.get $gt)))
            (local.set $gt (f32x4.gt (local.get $v2) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v2) (local.get $best) (local.get $gt)))
            (local.set $where (v128.bitselect (v128.const i32x4 2 2 2 2) (local.get $where) (local.get $gt)))
            (local.set $gt (f32x4.gt (local.get $v3) (local.get $best)))
            (local.set $where (v128.bitselect (v128.const i32x4 3 3 3 3) (local.get $where) (local.get $gt)))
            (local.set $g (f32x4.add (v128.load (local.get $dy)) (f32x4.splat (f32.const 0))))
            (v128.store (i32.add (local.get $dx) (local.get $at))
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 0 0 0 0))))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $at)) (local.get $pixelBytes))
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 1 1 1 1))))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $at)) (local.get $rowBytes))
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 2 2 2 2))))
            (v128.store (i32.add (i32.add (i32.add (local.get $dx) (local.get $at)) (local.get $rowBytes)) (local.get $pixelBytes))
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 3 3 3 3))))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $chs)))
          (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
          (br $cols)))
        (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
        (br $rows)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batches))))

  ;; MaxPool for 2x2 windows with stride 2 inside x, NHWC, channels a
  ;; multiple of 4: the maximum by strict > from -infinity in row-major order
  ;; (NaN never wins; a window of NaNs gives -infinity), as the CPU kernel.
  (func (export "max_pool_2x2")
    (param $x i32) (param $out i32) (param $batch i32) (param $h i32) (param $w i32)
    (param $ch i32) (param $oh i32) (param $ow i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $d i32) (local $rowBytes i32) (local $pixelBytes i32)
    (local $at i32) (local $v v128) (local $best v128)
    (local.set $pixelBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $w) (local.get $pixelBytes)))
    (block $batchDone (loop $batches
      (br_if $batchDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $yr (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $yr) (local.get $oh)))
        (local.set $yc (i32.const 0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_s (local.get $yc) (local.get $ow)))
          (local.set $at (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $yr) (i32.const 1))) (local.get $w))
                                            (i32.shl (local.get $yc) (i32.const 1)))
                                   (local.get $pixelBytes))))
          (local.set $d (i32.const 0))
          (block $chDone (loop $chs
            (br_if $chDone (i32.ge_s (local.get $d) (local.get $pixelBytes)))
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $v (v128.load (local.get $at)))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
            (local.set $v (v128.load (i32.add (local.get $at) (local.get $pixelBytes))))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
            (local.set $v (v128.load (i32.add (local.get $at) (local.get $rowBytes))))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
            (local.set $v (v128.load (i32.add (i32.add (local.get $at) (local.get $rowBytes)) (local.get $pixelBytes))))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
            (v128.store (local.get $out) (local.get $best))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $chs)))
          (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
          (br $cols)))
        (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
        (br $rows)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batches))))
)
