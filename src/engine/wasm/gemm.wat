;; Single-precision GEMM kernels for the dense layers, 128-bit WebAssembly SIMD.
;;
;; Conventions (shared with src/engine/kernels.ts): row-major, batch-major, dense weights [out][in]
;; like torch.nn.Linear. Every pointer is a BYTE address in the imported linear memory; address 0
;; is reserved by the loader so a bias pointer of 0 means "no bias".
;;
;; Arithmetic: f32x4.mul then f32x4.add (no FMA: relaxed SIMD is not guaranteed everywhere), so each
;; product and each partial sum is rounded to float32 exactly as a plain float32 loop would round
;; it; only the ORDER of the partial sums differs from a sequential loop (float32 rounding level).
;;
;; Register blocking: each micro-tile keeps 8 f32x4 accumulators in registers (x64 has 16 xmm
;; registers and V8 keeps one as scratch; 8 accumulators + their operands fit without spilling)
;; and reads each loaded vector at least twice. Loop order puts the operand that is reused across
;; the inner loop (a few rows or an 8-column panel of B) in L1 while the other streams from L2.
;;
;; Over-read: for tails (rows/columns past the matrix edge) kernels may LOAD up to 7 floats past the
;; end of an operand; lanes computed from such loads are never stored. The loader pads the end of
;; the memory so those loads never trap, and whatever they read cannot reach a stored value.
(module
  (import "env" "memory" (memory 1))

  ;; C[m×n] = A[m×k] · B[n×k]ᵀ + bias[n]   (dense forward: X · Wᵀ + b)
  ;; Micro-tile: 2 rows of A × 4 rows of B, dot products along k (both operands contiguous in k),
  ;; reduced horizontally once per tile. Tails: row/column pointers past the edge alias a valid row
  ;; (results discarded); the k remainder is one masked vector step.
  (func $gemmNT (export "gemmNT")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32) (param $bias i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $tail i32) (local $mask v128)
    (local $i i32) (local $j i32) (local $off i32)
    (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32) (local $pb2 i32) (local $pb3 i32)
    (local $x0 v128) (local $x1 v128) (local $y v128) (local $biasv v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local $r0 v128) (local $r1 v128) (local $pc i32)
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 2)))
    (local.set $tail (i32.and (local.get $k) (i32.const 3)))
    ;; lanes [0, tail) all-ones: the k remainder step reads a full vector and keeps only these lanes.
    (local.set $mask (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $tail))))
    (local.set $j (i32.const 0))
    (block $doneJ (loop $loopJ
      (br_if $doneJ (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowBytes))))
      (local.set $pb1 (select (i32.add (local.get $pb0) (local.get $rowBytes)) (local.get $pb0)
        (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $n))))
      (local.set $pb2 (select (i32.add (local.get $pb1) (local.get $rowBytes)) (local.get $pb0)
        (i32.lt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n))))
      (local.set $pb3 (select (i32.add (local.get $pb2) (local.get $rowBytes)) (local.get $pb0)
        (i32.lt_s (i32.add (local.get $j) (i32.const 3)) (local.get $n))))
      (local.set $biasv (v128.const i32x4 0 0 0 0))
      (if (local.get $bias) (then
        (local.set $biasv (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))))
      (local.set $i (i32.const 0))
      (block $doneI (loop $loopI
        (br_if $doneI (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $pa1 (select (i32.add (local.get $pa0) (local.get $rowBytes)) (local.get $pa0)
          (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m))))
        (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
        (local.set $s02 (v128.const i32x4 0 0 0 0)) (local.set $s03 (v128.const i32x4 0 0 0 0))
        (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
        (local.set $s12 (v128.const i32x4 0 0 0 0)) (local.set $s13 (v128.const i32x4 0 0 0 0))
        (local.set $off (i32.const 0))
        (block $doneK (loop $loopK
          (br_if $doneK (i32.ge_s (local.get $off) (local.get $vecBytes)))
          (local.set $x0 (v128.load (i32.add (local.get $pa0) (local.get $off))))
          (local.set $x1 (v128.load (i32.add (local.get $pa1) (local.get $off))))
          (local.set $y (v128.load (i32.add (local.get $pb0) (local.get $off))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load (i32.add (local.get $pb1) (local.get $off))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load (i32.add (local.get $pb2) (local.get $off))))
          (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load (i32.add (local.get $pb3) (local.get $off))))
          (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $off (i32.add (local.get $off) (i32.const 16)))
          (br $loopK)))
        (if (local.get $tail) (then
          ;; Both operands masked: a garbage lane could be Inf/NaN and 0·Inf would poison the sum.
          (local.set $x0 (v128.and (local.get $mask) (v128.load (i32.add (local.get $pa0) (local.get $off)))))
          (local.set $x1 (v128.and (local.get $mask) (v128.load (i32.add (local.get $pa1) (local.get $off)))))
          (local.set $y (v128.and (local.get $mask) (v128.load (i32.add (local.get $pb0) (local.get $off)))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.and (local.get $mask) (v128.load (i32.add (local.get $pb1) (local.get $off)))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.and (local.get $mask) (v128.load (i32.add (local.get $pb2) (local.get $off)))))
          (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.and (local.get $mask) (v128.load (i32.add (local.get $pb3) (local.get $off)))))
          (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $y))))))
        ;; [Σs00, Σs01, Σs02, Σs03] + bias: pairwise lane sums (0+2, 1+3), then of those pairs.
        ;; Inline rather than a call: at k = 64 a call per tile costs about a tenth of the tile.
        (local.set $x0 (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s00) (local.get $s01))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s00) (local.get $s01))))
        (local.set $x1 (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s02) (local.get $s03))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s02) (local.get $s03))))
        (local.set $r0 (f32x4.add (local.get $biasv) (f32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $x0) (local.get $x1))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $x0) (local.get $x1)))))
        (local.set $x0 (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s10) (local.get $s11))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s10) (local.get $s11))))
        (local.set $x1 (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s12) (local.get $s13))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s12) (local.get $s13))))
        (local.set $r1 (f32x4.add (local.get $biasv) (f32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $x0) (local.get $x1))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $x0) (local.get $x1)))))
        (local.set $pc (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (if (i32.and (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n))
                     (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m)))
          (then
            (v128.store (local.get $pc) (local.get $r0))
            (v128.store (i32.add (local.get $pc) (i32.shl (local.get $n) (i32.const 2))) (local.get $r1)))
          (else
            (call $storePart (local.get $pc) (local.get $r0) (i32.sub (local.get $n) (local.get $j)))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m)) (then
              (call $storePart (i32.add (local.get $pc) (i32.shl (local.get $n) (i32.const 2)))
                (local.get $r1) (i32.sub (local.get $n) (local.get $j)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $loopI)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $loopJ)))
  )

  ;; C[m×n] = A[k×m]ᵀ · B[k×n]   (weight gradient: dZᵀ · X, k = batch rows)
  ;; Micro-tile: 4 rows of C × 8 columns; per k step, 4 broadcast loads of A[kk][i..i+3] (contiguous)
  ;; and 2 vector loads of B[kk][j..j+7]. Loop order: 8-column panel of B outer (stays in L1), rows
  ;; of C inner. Tails over-read A/B (see header) and store only valid rows/columns.
  (func $gemmTN (export "gemmTN")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
    (local $aRow i32) (local $bRow i32) (local $i i32) (local $j i32) (local $kk i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $cols i32)
    (local $x v128) (local $y0 v128) (local $y1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $aRow (i32.shl (local.get $m) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $doneJ (loop $loopJ
      (br_if $doneJ (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $cols (i32.sub (local.get $n) (local.get $j)))
      (local.set $i (i32.const 0))
      (block $doneI (loop $loopI
        (br_if $doneI (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
        (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
        (local.set $s20 (v128.const i32x4 0 0 0 0)) (local.set $s21 (v128.const i32x4 0 0 0 0))
        (local.set $s30 (v128.const i32x4 0 0 0 0)) (local.set $s31 (v128.const i32x4 0 0 0 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $kk (local.get $k))
        (block $doneK (loop $loopK
          (br_if $doneK (i32.le_s (local.get $kk) (i32.const 0)))
          (local.set $y0 (v128.load (local.get $pb)))
          (local.set $y1 (v128.load offset=16 (local.get $pb)))
          (local.set $x (v128.load32_splat (local.get $pa)))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aRow)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
          (br $loopK)))
        (local.set $pc (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (if (i32.and (i32.ge_s (local.get $cols) (i32.const 8)) (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)))
          (then ;; a whole 4×8 tile: plain stores, no calls
            (v128.store (local.get $pc) (local.get $s00))
            (v128.store offset=16 (local.get $pc) (local.get $s01))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s10))
            (v128.store offset=16 (local.get $pc) (local.get $s11))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s20))
            (v128.store offset=16 (local.get $pc) (local.get $s21))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s30))
            (v128.store offset=16 (local.get $pc) (local.get $s31)))
          (else
        (call $storeRow8 (local.get $pc) (local.get $s00) (local.get $s01) (local.get $cols))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m)) (then
          (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
          (call $storeRow8 (local.get $pc) (local.get $s10) (local.get $s11) (local.get $cols))
          (if (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m)) (then
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (call $storeRow8 (local.get $pc) (local.get $s20) (local.get $s21) (local.get $cols))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)) (then
              (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
              (call $storeRow8 (local.get $pc) (local.get $s30) (local.get $s31) (local.get $cols))))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $loopI)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $loopJ)))
  )

  ;; C[m×n] = A[m×k] · B[k×n]   (input gradient: dZ · W)
  ;; Micro-tile: 4 rows of C × 8 columns (two such tiles per 16-column panel); per k step, one
  ;; broadcast from each of 4 rows of A and 2 vector loads of B[kk][j..j+7]. Rows past the edge
  ;; alias the last valid row (results discarded).
  (func $gemmNN (export "gemmNN")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
    (local $aRow i32) (local $bRow i32) (local $i i32) (local $j i32) (local $off i32) (local $end i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32) (local $pc i32) (local $cols i32)
    (local $x v128) (local $y0 v128) (local $y1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $aRow (i32.shl (local.get $k) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $doneJ (loop $loopJ
      (br_if $doneJ (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $cols (i32.sub (local.get $n) (local.get $j)))
      (local.set $i (i32.const 0))
      (block $doneI (loop $loopI
        (br_if $doneI (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $pa1 (select (i32.add (local.get $pa0) (local.get $aRow)) (local.get $pa0)
          (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m))))
        (local.set $pa2 (select (i32.add (local.get $pa1) (local.get $aRow)) (local.get $pa0)
          (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m))))
        (local.set $pa3 (select (i32.add (local.get $pa2) (local.get $aRow)) (local.get $pa0)
          (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m))))
        (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
        (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
        (local.set $s20 (v128.const i32x4 0 0 0 0)) (local.set $s21 (v128.const i32x4 0 0 0 0))
        (local.set $s30 (v128.const i32x4 0 0 0 0)) (local.set $s31 (v128.const i32x4 0 0 0 0))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $off (i32.const 0))
        (block $doneK (loop $loopK
          (br_if $doneK (i32.ge_s (local.get $off) (local.get $aRow)))
          (local.set $y0 (v128.load (local.get $pb)))
          (local.set $y1 (v128.load offset=16 (local.get $pb)))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa0) (local.get $off))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa1) (local.get $off))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa2) (local.get $off))))
          (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa3) (local.get $off))))
          (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (local.set $off (i32.add (local.get $off) (i32.const 4)))
          (br $loopK)))
        (local.set $pc (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (if (i32.and (i32.ge_s (local.get $cols) (i32.const 8)) (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)))
          (then ;; a whole 4×8 tile: plain stores, no calls
            (v128.store (local.get $pc) (local.get $s00))
            (v128.store offset=16 (local.get $pc) (local.get $s01))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s10))
            (v128.store offset=16 (local.get $pc) (local.get $s11))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s20))
            (v128.store offset=16 (local.get $pc) (local.get $s21))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s30))
            (v128.store offset=16 (local.get $pc) (local.get $s31)))
          (else
        (call $storeRow8 (local.get $pc) (local.get $s00) (local.get $s01) (local.get $cols))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m)) (then
          (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
          (call $storeRow8 (local.get $pc) (local.get $s10) (local.get $s11) (local.get $cols))
          (if (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m)) (then
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (call $storeRow8 (local.get $pc) (local.get $s20) (local.get $s21) (local.get $cols))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)) (then
              (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
              (call $storeRow8 (local.get $pc) (local.get $s30) (local.get $s31) (local.get $cols))))))))))
        ;; The next 8 columns for the same rows right away: B's and C's 64-byte lines are used whole by
        ;; consecutive tiles instead of in halves far apart (measured +15-35% on W1/W2's dX shapes).
        (if (i32.lt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)) (then
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (local.set $cols (i32.sub (local.get $n) (local.get $j)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $pa1 (select (i32.add (local.get $pa0) (local.get $aRow)) (local.get $pa0)
          (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m))))
        (local.set $pa2 (select (i32.add (local.get $pa1) (local.get $aRow)) (local.get $pa0)
          (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m))))
        (local.set $pa3 (select (i32.add (local.get $pa2) (local.get $aRow)) (local.get $pa0)
          (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m))))
        (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
        (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
        (local.set $s20 (v128.const i32x4 0 0 0 0)) (local.set $s21 (v128.const i32x4 0 0 0 0))
        (local.set $s30 (v128.const i32x4 0 0 0 0)) (local.set $s31 (v128.const i32x4 0 0 0 0))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $off (i32.const 0))
        (block $doneK (loop $loopK
          (br_if $doneK (i32.ge_s (local.get $off) (local.get $aRow)))
          (local.set $y0 (v128.load (local.get $pb)))
          (local.set $y1 (v128.load offset=16 (local.get $pb)))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa0) (local.get $off))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa1) (local.get $off))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa2) (local.get $off))))
          (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $pa3) (local.get $off))))
          (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $x) (local.get $y0))))
          (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $x) (local.get $y1))))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (local.set $off (i32.add (local.get $off) (i32.const 4)))
          (br $loopK)))
        (local.set $pc (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (if (i32.and (i32.ge_s (local.get $cols) (i32.const 8)) (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)))
          (then ;; a whole 4×8 tile: plain stores, no calls
            (v128.store (local.get $pc) (local.get $s00))
            (v128.store offset=16 (local.get $pc) (local.get $s01))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s10))
            (v128.store offset=16 (local.get $pc) (local.get $s11))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s20))
            (v128.store offset=16 (local.get $pc) (local.get $s21))
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (v128.store (local.get $pc) (local.get $s30))
            (v128.store offset=16 (local.get $pc) (local.get $s31)))
          (else
        (call $storeRow8 (local.get $pc) (local.get $s00) (local.get $s01) (local.get $cols))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m)) (then
          (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
          (call $storeRow8 (local.get $pc) (local.get $s10) (local.get $s11) (local.get $cols))
          (if (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m)) (then
            (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
            (call $storeRow8 (local.get $pc) (local.get $s20) (local.get $s21) (local.get $cols))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)) (then
              (local.set $pc (i32.add (local.get $pc) (local.get $bRow)))
              (call $storeRow8 (local.get $pc) (local.get $s30) (local.get $s31) (local.get $cols))))))))))
          (local.set $j (i32.sub (local.get $j) (i32.const 8)))
          (local.set $cols (i32.sub (local.get $n) (local.get $j)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $loopI)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $loopJ)))
  )

  ;; Stores the first min(count, 4) lanes of v at p.
  (func $storePart (param $p i32) (param $v v128) (param $count i32)
    (if (i32.ge_s (local.get $count) (i32.const 4)) (then (v128.store (local.get $p) (local.get $v)) (return)))
    (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $v)))
    (if (i32.ge_s (local.get $count) (i32.const 2)) (then
      (f32.store offset=4 (local.get $p) (f32x4.extract_lane 1 (local.get $v)))))
    (if (i32.ge_s (local.get $count) (i32.const 3)) (then
      (f32.store offset=8 (local.get $p) (f32x4.extract_lane 2 (local.get $v)))))
  )

  ;; Stores the first min(count, 8) floats of [v0, v1] at p.
  (func $storeRow8 (param $p i32) (param $v0 v128) (param $v1 v128) (param $count i32)
    (if (i32.ge_s (local.get $count) (i32.const 8)) (then
      (v128.store (local.get $p) (local.get $v0))
      (v128.store offset=16 (local.get $p) (local.get $v1))
      (return)))
    (call $storePart (local.get $p) (local.get $v0) (local.get $count))
    (if (i32.gt_s (local.get $count) (i32.const 4)) (then
      (call $storePart (i32.add (local.get $p) (i32.const 16)) (local.get $v1) (i32.sub (local.get $count) (i32.const 4)))))
  )
)
