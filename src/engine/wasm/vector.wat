;; Element-wise and reduction kernels of the training step, 128-bit WebAssembly SIMD. Each one gives
;; exactly what the plain-TypeScript reference (src/engine/jsKernels.ts) gives, bit for bit, except
;; `sumSquares`, whose float64 partial sums are added in a different order (float64 rounding).
;; Pointers are byte addresses in the imported memory; counts are in floats.
(module
  (import "env" "memory" (memory 1))

  ;; Σ x[i]², each square and sum in float64 (the norm of float32 gradients, as the JS loop computes it).
  (func $sumSquares (export "sumSquares") (param $x i32) (param $count i32) (result f64)
    (local $end i32) (local $vecEnd i32) (local $v v128) (local $lo v128) (local $hi v128) (local $acc0 v128) (local $acc1 v128) (local $s f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $vecEnd)))
      (local.set $v (v128.load (local.get $x)))
      (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
      (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $lo) (local.get $lo))))
      (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $hi) (local.get $hi))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $next)))
    (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.mul (f64.promote_f32 (f32.load (local.get $x))) (f64.promote_f32 (f32.load (local.get $x))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $nextS)))
    (local.get $s)
  )

  ;; 1 when every x[i] is finite: x·0 is 0 for finite x and NaN for ±Infinity and NaN, and NaN
  ;; survives the sum.
  (func $allFinite (export "allFinite") (param $x i32) (param $count i32) (result i32)
    (local $end i32) (local $vecEnd i32) (local $acc v128) (local $s f32) (local $zero v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $vecEnd)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $x)) (local.get $zero))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $next)))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $x)) (f32.const 0))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $nextS)))
    (i32.and
      (i32x4.all_true (f32x4.eq (local.get $acc) (local.get $zero)))
      (f32.eq (local.get $s) (f32.const 0)))
  )

  ;; out[j] = Σ_i a[i][j] over m rows of n columns, summed in row order in float32 (the bias gradient
  ;; Σ_rows dZ, the same additions in the same order as the JS loop). Overwrites out.
  (func $columnSums (export "columnSums") (param $a i32) (param $out i32) (param $m i32) (param $n i32)
    (local $rowBytes i32) (local $j i32) (local $vecCols i32) (local $p i32) (local $end i32) (local $acc v128) (local $s f32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecCols (i32.and (local.get $n) (i32.const -4)))
    (local.set $j (i32.const 0))
    (block $doneV (loop $nextV
      (br_if $doneV (i32.ge_s (local.get $j) (local.get $vecCols)))
      (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $m) (local.get $rowBytes))))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (block $doneR (loop $nextR
        (br_if $doneR (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $nextR)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $nextV)))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $m) (local.get $rowBytes))))
      (local.set $s (f32.const 0))
      (block $doneR (loop $nextR
        (br_if $doneR (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $nextR)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $nextS)))
  )

  ;; Columns of A[m×n] with no entry > 0 (dead units of a batch): OR the lanes' (a > 0) masks down
  ;; the rows, four columns at a time, then count the lanes never set.
  (func $deadColumns (export "deadColumns") (param $a i32) (param $m i32) (param $n i32) (result i32)
    (local $rowBytes i32) (local $j i32) (local $vecCols i32) (local $p i32) (local $end i32) (local $seen v128) (local $dead i32) (local $any i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecCols (i32.and (local.get $n) (i32.const -4)))
    (block $doneV (loop $nextV
      (br_if $doneV (i32.ge_s (local.get $j) (local.get $vecCols)))
      (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $m) (local.get $rowBytes))))
      (local.set $seen (v128.const i32x4 0 0 0 0))
      (block $doneR (loop $nextR
        (br_if $doneR (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $seen (v128.or (local.get $seen) (f32x4.gt (v128.load (local.get $p)) (v128.const i32x4 0 0 0 0))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $nextR)))
      ;; Each lane is 0 or -1: minus their sum counts the alive lanes; 4 minus that, the dead ones.
      (local.set $seen (i32x4.add (local.get $seen) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $seen) (local.get $seen))))
      (local.set $dead (i32.add (local.get $dead) (i32.add (i32.const 4)
        (i32.add (i32x4.extract_lane 0 (local.get $seen)) (i32x4.extract_lane 1 (local.get $seen))))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $nextV)))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $m) (local.get $rowBytes))))
      (local.set $any (i32.const 0))
      (block $doneR (loop $nextR
        (br_if $doneR (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $any (i32.or (local.get $any) (f32.gt (f32.load (local.get $p)) (f32.const 0))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $nextR)))
      (local.set $dead (i32.add (local.get $dead) (i32.eqz (local.get $any))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $nextS)))
    (local.get $dead)
  )

  ;; ReLU f(z) = z if z > 0 else 0 (NaN -> 0, as the JS `v > 0 ? v : 0`): keep the lanes where z > 0.
  (func $reluForward (export "reluForward") (param $z i32) (param $out i32) (param $count i32)
    (local $end i32) (local $v v128)
    ;; Whole vectors only when count is a multiple of 4; the last partial vector is done lane-wise.
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (local.set $v (v128.load (local.get $z)))
      (v128.store (local.get $out) (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 2))))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_u (local.get $z) (local.get $end)))
      (f32.store (local.get $out) (select (f32.load (local.get $z)) (f32.const 0) (f32.gt (f32.load (local.get $z)) (f32.const 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $nextS)))
  )

  ;; ReLU backward: grad = 0 where !(z > 0) (torch's gradient at 0 is 0).
  (func $reluBackward (export "reluBackward") (param $z i32) (param $grad i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (v128.store (local.get $grad) (v128.and (v128.load (local.get $grad))
        (f32x4.gt (v128.load (local.get $z)) (v128.const i32x4 0 0 0 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $grad (i32.add (local.get $grad) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 2))))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_u (local.get $z) (local.get $end)))
      (if (i32.eqz (f32.gt (f32.load (local.get $z)) (f32.const 0))) (then (f32.store (local.get $grad) (f32.const 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 4)))
      (local.set $grad (i32.add (local.get $grad) (i32.const 4)))
      (br $nextS)))
  )

  ;; Leaky ReLU with slope s: f(z) = z if z > 0 else s·z; the product in float64 then rounded to
  ;; float32, exactly as the JS loop (a float64 multiply stored into a Float32Array).
  (func $leakyForward (export "leakyForward") (param $z i32) (param $out i32) (param $count i32) (param $slope f64)
    (local $end i32) (local $v v128) (local $s v128) (local $scaled v128)
    (local.set $s (f64x2.splat (local.get $slope)))
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (local.set $v (v128.load (local.get $z)))
      (local.set $scaled (call $scale64 (local.get $v) (local.get $s)))
      (v128.store (local.get $out) (v128.bitselect (local.get $v) (local.get $scaled)
        (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 2))))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_u (local.get $z) (local.get $end)))
      (f32.store (local.get $out) (select (f32.load (local.get $z))
        (f32.demote_f64 (f64.mul (local.get $slope) (f64.promote_f32 (f32.load (local.get $z)))))
        (f32.gt (f32.load (local.get $z)) (f32.const 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $nextS)))
  )

  ;; Leaky ReLU backward: grad = s·grad where !(z > 0) (torch applies the slope at 0), float64 product.
  (func $leakyBackward (export "leakyBackward") (param $z i32) (param $grad i32) (param $count i32) (param $slope f64)
    (local $end i32) (local $g v128) (local $s v128)
    (local.set $s (f64x2.splat (local.get $slope)))
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (local.set $g (v128.load (local.get $grad)))
      (v128.store (local.get $grad) (v128.bitselect (local.get $g) (call $scale64 (local.get $g) (local.get $s))
        (f32x4.gt (v128.load (local.get $z)) (v128.const i32x4 0 0 0 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $grad (i32.add (local.get $grad) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 2))))
    (block $doneS (loop $nextS
      (br_if $doneS (i32.ge_u (local.get $z) (local.get $end)))
      (if (i32.eqz (f32.gt (f32.load (local.get $z)) (f32.const 0))) (then
        (f32.store (local.get $grad) (f32.demote_f64 (f64.mul (local.get $slope) (f64.promote_f32 (f32.load (local.get $grad))))))))
      (local.set $z (i32.add (local.get $z) (i32.const 4)))
      (local.set $grad (i32.add (local.get $grad) (i32.const 4)))
      (br $nextS)))
  )

  ;; Four float32 lanes times a float64 scalar (both lanes of s), each product rounded once to float32.
  (func $scale64 (param $v v128) (param $s v128) (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (local.get $v))))
      (f32x4.demote_f64x2_zero (f64x2.mul (local.get $s)
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
  )
)
