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

  ;; C (m x n, row-major at c) from packed operands; k >= 1. Blocks that
  ;; cross the edges of C go through the 128-byte scratch tile.
  (func (export "gemm")
    (param $m i32) (param $n i32) (param $k i32) (param $pa i32) (param $pb i32) (param $c i32) (param $tile i32)
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
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
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
              (local.set $b (i32.add (local.get $b) (i32.const 32)))
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
        (local.set $panel (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
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

;; im2col for a 2-D convolution over x (NHWC, batch x h x w x ci, float32):
  ;; row (b, i, j) of out (row-major, batch oh ow rows of kh kw ci) holds
  ;; x[b, i sh + p - top, j sw + q - left, c] for (p, q, c) in row-major order,
  ;; 0 where that falls into the padding. A window row inside x is one
  ;; contiguous run of kw ci floats, copied 4 at a time.
  (func $copy (param $dst i32) (param $src i32) (param $bytes i32) (result i32)
    (local $end i32) (local $vectorEnd i32)
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (local.set $vectorEnd (i32.add (local.get $dst) (i32.and (local.get $bytes) (i32.const -16))))
    (block $vDone (loop $vs
      (br_if $vDone (i32.ge_u (local.get $dst) (local.get $vectorEnd)))
      (v128.store (local.get $dst) (v128.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $vs)))
    (block $sDone (loop $ss
      (br_if $sDone (i32.ge_u (local.get $dst) (local.get $end)))
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br $ss)))
    (local.get $end))

  (func $zeros (param $dst i32) (param $bytes i32) (result i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (block $done (loop $zs
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (f32.store (local.get $dst) (f32.const 0))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (br $zs)))
    (local.get $end))

  (func (export "im2col")
    (param $x i32) (param $out i32) (param $batch i32) (param $h i32) (param $w i32) (param $ci i32)
    (param $kh i32) (param $kw i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $b i32) (local $i i32) (local $j i32) (local $p i32) (local $q i32)
    (local $row i32) (local $col i32) (local $rowStart i32) (local $pixelBytes i32) (local $windowRowBytes i32)
    (local.set $pixelBytes (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $windowRowBytes (i32.mul (local.get $kw) (local.get $pixelBytes)))
    (block $batchDone (loop $batches
      (br_if $batchDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $oh)))
        (local.set $j (i32.const 0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_s (local.get $j) (local.get $ow)))
          (local.set $col (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $left)))
          (local.set $p (i32.const 0))
          (block $pDone (loop $ps
            (br_if $pDone (i32.ge_s (local.get $p) (local.get $kh)))
            (local.set $row (i32.sub (i32.add (i32.mul (local.get $i) (local.get $sh)) (local.get $p)) (local.get $top)))
            (if (i32.or (i32.lt_s (local.get $row) (i32.const 0)) (i32.ge_s (local.get $row) (local.get $h)))
              (then (local.set $out (call $zeros (local.get $out) (local.get $windowRowBytes))))
              (else
                ;; address of x[b, row, 0, 0]
                (local.set $rowStart (i32.add (local.get $x)
                  (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $row)) (local.get $w))
                           (local.get $pixelBytes))))
                (if (i32.and (i32.ge_s (local.get $col) (i32.const 0))
                             (i32.le_s (i32.add (local.get $col) (local.get $kw)) (local.get $w)))
                  (then
                    (local.set $out (call $copy (local.get $out)
                      (i32.add (local.get $rowStart) (i32.mul (local.get $col) (local.get $pixelBytes)))
                      (local.get $windowRowBytes))))
                  (else
                    (local.set $q (i32.const 0))
                    (block $qDone (loop $qs
                      (br_if $qDone (i32.ge_s (local.get $q) (local.get $kw)))
                      (if (i32.and (i32.ge_s (i32.add (local.get $col) (local.get $q)) (i32.const 0))
                                   (i32.lt_s (i32.add (local.get $col) (local.get $q)) (local.get $w)))
                        (then
                          (local.set $out (call $copy (local.get $out)
                            (i32.add (local.get $rowStart)
                                     (i32.mul (i32.add (local.get $col) (local.get $q)) (local.get $pixelBytes)))
                            (local.get $pixelBytes))))
                        (else (local.set $out (call $zeros (local.get $out) (local.get $pixelBytes)))))
                      (local.set $q (i32.add (local.get $q) (i32.const 1)))
                      (br $qs)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $ps)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batches))))

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
)
