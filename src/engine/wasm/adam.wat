;; Adam / AdamW, in place, one pass over parameters, gradients and both moments, f32x4.
;;
;; Follows torch.optim.Adam / AdamW (PyTorch 1.13, single-tensor path) operation by operation, each
;; operation rounded to float32 as PyTorch's float32 kernels round it:
;;   g' = g + wd·p                                  (Adam weight_decay: grad.add(param, alpha=wd))
;;   p  = p · (1 - lr·wdDecoupled)                  (AdamW: param.mul_(1 - lr·weight_decay))
;;   m  = m·β1 + (1-β1)·g'                          (exp_avg.mul_(β1).add_(g', alpha=1-β1))
;;   v  = v·β2 + ((1-β2)·g')·g'                     (exp_avg_sq.mul_(β2).addcmul_(g', g', value=1-β2))
;;   denom = sqrt(v) / sqrt(1-β2^t) + ε
;;   p  = p + ((-lr/(1-β1^t))·m) / denom            (param.addcdiv_(m, denom, value=-step_size))
;; The loader computes the scalars in float64 as Python does and passes them as f32 (PyTorch casts a
;; Python scalar to the tensor's dtype). PyTorch may fuse the `add_` above into an FMA on AVX2; that
;; and nothing else is a float32-rounding-level difference.
;; The gradient array is read, never written (the modified g' of coupled weight decay is local).
(module
  (import "env" "memory" (memory 1))

  (func $adam (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $count i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $negStepSize f32) (param $bias2Sqrt f32) (param $eps f32) (param $wdCoupled f32) (param $decoupledFactor f32)
    (local $vb1 v128) (local $va1 v128) (local $vb2 v128) (local $va2 v128) (local $vss v128)
    (local $vbc v128) (local $veps v128) (local $vwd v128) (local $vdf v128)
    (local $end i32) (local $vecEnd i32) (local $off i32)
    (local $pv v128) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $ps f32) (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $vb1 (f32x4.splat (local.get $beta1)))
    (local.set $va1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $va2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $vss (f32x4.splat (local.get $negStepSize)))
    (local.set $vbc (f32x4.splat (local.get $bias2Sqrt)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vwd (f32x4.splat (local.get $wdCoupled)))
    (local.set $vdf (f32x4.splat (local.get $decoupledFactor)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $vecEnd (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (local.set $off (i32.const 0))
    (block $doneV (loop $loopV
      (br_if $doneV (i32.ge_s (local.get $off) (local.get $vecEnd)))
      (local.set $pv (v128.load (i32.add (local.get $p) (local.get $off))))
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $off))))
      (local.set $gv (f32x4.add (local.get $gv) (f32x4.mul (local.get $pv) (local.get $vwd))))
      (local.set $pv (f32x4.mul (local.get $pv) (local.get $vdf)))
      (local.set $mv (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $off))) (local.get $vb1))
        (f32x4.mul (local.get $gv) (local.get $va1))))
      (local.set $vv (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $off))) (local.get $vb2))
        (f32x4.mul (f32x4.mul (local.get $gv) (local.get $va2)) (local.get $gv))))
      (v128.store (i32.add (local.get $m) (local.get $off)) (local.get $mv))
      (v128.store (i32.add (local.get $v) (local.get $off)) (local.get $vv))
      (v128.store (i32.add (local.get $p) (local.get $off))
        (f32x4.add (local.get $pv)
          (f32x4.div (f32x4.mul (local.get $vss) (local.get $mv))
            (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vv)) (local.get $vbc)) (local.get $veps)))))
      (local.set $off (i32.add (local.get $off) (i32.const 16)))
      (br $loopV)))
    ;; The same arithmetic, one float at a time, for the last count mod 4 parameters.
    (block $doneS (loop $loopS
      (br_if $doneS (i32.ge_s (local.get $off) (local.get $end)))
      (local.set $ps (f32.load (i32.add (local.get $p) (local.get $off))))
      (local.set $gs (f32.add (f32.load (i32.add (local.get $g) (local.get $off)))
        (f32.mul (local.get $ps) (local.get $wdCoupled))))
      (local.set $ps (f32.mul (local.get $ps) (local.get $decoupledFactor)))
      (local.set $ms (f32.add
        (f32.mul (f32.load (i32.add (local.get $m) (local.get $off))) (local.get $beta1))
        (f32.mul (local.get $gs) (local.get $oneMinusBeta1))))
      (local.set $vs (f32.add
        (f32.mul (f32.load (i32.add (local.get $v) (local.get $off))) (local.get $beta2))
        (f32.mul (f32.mul (local.get $gs) (local.get $oneMinusBeta2)) (local.get $gs))))
      (f32.store (i32.add (local.get $m) (local.get $off)) (local.get $ms))
      (f32.store (i32.add (local.get $v) (local.get $off)) (local.get $vs))
      (f32.store (i32.add (local.get $p) (local.get $off))
        (f32.add (local.get $ps)
          (f32.div (f32.mul (local.get $negStepSize) (local.get $ms))
            (f32.add (f32.div (f32.sqrt (local.get $vs)) (local.get $bias2Sqrt)) (local.get $eps)))))
      (local.set $off (i32.add (local.get $off) (i32.const 4)))
      (br $loopS)))
  )
)
