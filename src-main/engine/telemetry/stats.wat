;; Per-layer telemetry reductions in WebAssembly SIMD, run directly on the
;; memory of tfjs's WASM backend (imported, so no tensor is copied). Each
;; function streams once over `n` float32 values at byte offset `p`, four at
;; a time, with a scalar loop for the last n mod 4. Sums are accumulated in
;; float64 (f64x2) so squares of 1e-25 gradients neither underflow nor need
;; rescaling. The main result is returned; the others are left in exported
;; globals, read by stats-wasm.ts right after the call. Inside the loops
;; everything is written out by hand: V8 does not inline wasm calls, and a
;; call per iteration costs more than the iteration. The shuffle
;; 8..15 0..7 moves the two upper float32 lanes down to be promoted to f64x2.
;;
;; Build: `node scripts/build-stats-wasm.mjs` writes stats-wasm.generated.ts;
;; a unit test checks that the committed file is this source compiled.
(module
  (import "tfjs" "memory" (memory 0))

  (global $sumAbs (export "sumAbs") (mut f64) (f64.const 0))
  (global $maxAbs (export "maxAbs") (mut f32) (f32.const 0))
  (global $minNonzero (export "minNonzero") (mut f32) (f32.const 0))
  (global $zeros (export "zeros") (mut i32) (i32.const 0))
  (global $squares (export "squares") (mut f64) (f64.const 0))
  (global $saturated (export "saturated") (mut i32) (i32.const 0))
  (global $atLeast0 (export "atLeast0") (mut i32) (i32.const 0))
  (global $atLeast1 (export "atLeast1") (mut i32) (i32.const 0))
  (global $atLeast2 (export "atLeast2") (mut i32) (i32.const 0))
  (global $atLeast3 (export "atLeast3") (mut i32) (i32.const 0))

  ;; Byte offset after the last whole group of four values.
  (func $vectorEnd (param $p i32) (param $n i32) (result i32)
    (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))

  (func $end (param $p i32) (param $n i32) (result i32)
    (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))

  (func $lanesF64 (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  (func $lanesI32 (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; Σ x², in float64.
  (func (export "sumSquares") (param $p i32) (param $n i32) (result f64)
    (local $stop i32) (local $v v128) (local $lo v128) (local $hi v128)
    (local $acc0 v128) (local $acc1 v128) (local $x f64) (local $sum f64)
    (local.set $stop (call $vectorEnd (local.get $p) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (local.set $stop (call $end (local.get $p) (i32.and (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $x (f64.promote_f32 (f32.load (local.get $p))))
        (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $x) (local.get $x))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (f64.add (local.get $sum) (call $lanesF64 (f64x2.add (local.get $acc0) (local.get $acc1)))))

  ;; Σ g², returned; Σ|g|, max|g|, the smallest nonzero |g| (+∞ if none)
  ;; and the number of zeros in the globals. The extremes are taken on the
  ;; bits of |g| as integers (ordered like the magnitudes, NaN above +∞):
  ;; one instruction each, where V8's NaN-exact f32x4.min/max take several.
  ;; So max|g| is NaN if any g is, and NaN never lowers the minimum.
  (func (export "gradientSums") (param $p i32) (param $n i32) (result f64)
    (local $stop i32) (local $a v128) (local $lo v128) (local $hi v128)
    (local $squares0 v128) (local $squares1 v128) (local $abs0 v128) (local $abs1 v128)
    (local $max v128) (local $min v128) (local $zeros v128) (local $isZero v128) (local $infinity v128)
    (local $bits i32) (local $x64 f64) (local $squares f64) (local $sumAbs f64)
    (local $maxScalar i32) (local $minScalar i32) (local $zerosScalar i32)
    (local.set $infinity (i32x4.splat (i32.const 0x7f800000)))
    (local.set $min (local.get $infinity))
    (local.set $minScalar (i32.const 0x7f800000))
    (local.set $stop (call $vectorEnd (local.get $p) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $a (f32x4.abs (v128.load align=4 (local.get $p))))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $a)))
        (local.set $hi
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
        (local.set $squares0 (f64x2.add (local.get $squares0) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $squares1 (f64x2.add (local.get $squares1) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $abs0 (f64x2.add (local.get $abs0) (local.get $lo)))
        (local.set $abs1 (f64x2.add (local.get $abs1) (local.get $hi)))
        (local.set $max (i32x4.max_s (local.get $max) (local.get $a)))
        (local.set $isZero (i32x4.eq (local.get $a) (v128.const i32x4 0 0 0 0)))
        ;; A zero lane is −1 in the mask: subtracting counts it.
        (local.set $zeros (i32x4.sub (local.get $zeros) (local.get $isZero)))
        (local.set $min
          (i32x4.min_s (local.get $min) (v128.bitselect (local.get $infinity) (local.get $a) (local.get $isZero))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (local.set $stop (call $end (local.get $p) (i32.and (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $bits (i32.and (i32.load (local.get $p)) (i32.const 0x7fffffff)))
        (local.set $x64 (f64.promote_f32 (f32.reinterpret_i32 (local.get $bits))))
        (local.set $squares (f64.add (local.get $squares) (f64.mul (local.get $x64) (local.get $x64))))
        (local.set $sumAbs (f64.add (local.get $sumAbs) (local.get $x64)))
        (if (i32.gt_s (local.get $bits) (local.get $maxScalar)) (then (local.set $maxScalar (local.get $bits))))
        (if (i32.eqz (local.get $bits))
          (then (local.set $zerosScalar (i32.add (local.get $zerosScalar) (i32.const 1))))
          (else
            (if (i32.lt_s (local.get $bits) (local.get $minScalar)) (then (local.set $minScalar (local.get $bits))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (global.set $sumAbs
      (f64.add (local.get $sumAbs) (call $lanesF64 (f64x2.add (local.get $abs0) (local.get $abs1)))))
    (local.set $max (i32x4.max_s (local.get $max) (i32x4.splat (local.get $maxScalar))))
    (local.set $max (i32x4.max_s (local.get $max) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $max) (local.get $max))))
    (local.set $max (i32x4.max_s (local.get $max) (i8x16.shuffle 4 5 6 7 0 1 2 3 8 9 10 11 12 13 14 15 (local.get $max) (local.get $max))))
    (global.set $maxAbs (f32.reinterpret_i32 (i32x4.extract_lane 0 (local.get $max))))
    (local.set $min (i32x4.min_s (local.get $min) (i32x4.splat (local.get $minScalar))))
    (local.set $min (i32x4.min_s (local.get $min) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $min) (local.get $min))))
    (local.set $min (i32x4.min_s (local.get $min) (i8x16.shuffle 4 5 6 7 0 1 2 3 8 9 10 11 12 13 14 15 (local.get $min) (local.get $min))))
    (global.set $minNonzero (f32.reinterpret_i32 (i32x4.extract_lane 0 (local.get $min))))
    (global.set $zeros (i32.add (local.get $zerosScalar) (call $lanesI32 (local.get $zeros))))
    (f64.add (local.get $squares) (call $lanesF64 (f64x2.add (local.get $squares0) (local.get $squares1)))))

  ;; How many |g| are ≥ each of four thresholds (the histogram's bin edges),
  ;; left in atLeast0..3; NaN counts as below every threshold.
  (func (export "countAtLeast")
    (param $p i32) (param $n i32) (param $e0 f32) (param $e1 f32) (param $e2 f32) (param $e3 f32)
    (local $stop i32) (local $a v128) (local $x f32)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local.set $t0 (f32x4.splat (local.get $e0)))
    (local.set $t1 (f32x4.splat (local.get $e1)))
    (local.set $t2 (f32x4.splat (local.get $e2)))
    (local.set $t3 (f32x4.splat (local.get $e3)))
    (local.set $stop (call $vectorEnd (local.get $p) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $a (f32x4.abs (v128.load align=4 (local.get $p))))
        (local.set $c0 (i32x4.sub (local.get $c0) (f32x4.ge (local.get $a) (local.get $t0))))
        (local.set $c1 (i32x4.sub (local.get $c1) (f32x4.ge (local.get $a) (local.get $t1))))
        (local.set $c2 (i32x4.sub (local.get $c2) (f32x4.ge (local.get $a) (local.get $t2))))
        (local.set $c3 (i32x4.sub (local.get $c3) (f32x4.ge (local.get $a) (local.get $t3))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (local.set $stop (call $end (local.get $p) (i32.and (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $x (f32.abs (f32.load (local.get $p))))
        (local.set $s0 (i32.add (local.get $s0) (f32.ge (local.get $x) (local.get $e0))))
        (local.set $s1 (i32.add (local.get $s1) (f32.ge (local.get $x) (local.get $e1))))
        (local.set $s2 (i32.add (local.get $s2) (f32.ge (local.get $x) (local.get $e2))))
        (local.set $s3 (i32.add (local.get $s3) (f32.ge (local.get $x) (local.get $e3))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (global.set $atLeast0 (i32.add (local.get $s0) (call $lanesI32 (local.get $c0))))
    (global.set $atLeast1 (i32.add (local.get $s1) (call $lanesI32 (local.get $c1))))
    (global.set $atLeast2 (i32.add (local.get $s2) (call $lanesI32 (local.get $c2))))
    (global.set $atLeast3 (i32.add (local.get $s3) (call $lanesI32 (local.get $c3)))))

  ;; Σ (y − shift), returned, and Σ (y − shift)² in `squares`, in float64;
  ;; the number of |y − center| > halfWidth in `saturated` (+∞: none).
  (func (export "moments")
    (param $p i32) (param $n i32) (param $shift f64) (param $center f32) (param $halfWidth f32)
    (result f64)
    (local $stop i32) (local $v v128) (local $lo v128) (local $hi v128)
    (local $shift2 v128) (local $center4 v128) (local $half4 v128)
    (local $sum0 v128) (local $sum1 v128) (local $squares0 v128) (local $squares1 v128) (local $saturated v128)
    (local $x f32) (local $d f64) (local $sum f64) (local $squares f64) (local $saturatedScalar i32)
    (local.set $shift2 (f64x2.splat (local.get $shift)))
    (local.set $center4 (f32x4.splat (local.get $center)))
    (local.set $half4 (f32x4.splat (local.get $halfWidth)))
    (local.set $stop (call $vectorEnd (local.get $p) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $lo (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $shift2)))
        (local.set $hi (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $shift2)))
        (local.set $sum0 (f64x2.add (local.get $sum0) (local.get $lo)))
        (local.set $sum1 (f64x2.add (local.get $sum1) (local.get $hi)))
        (local.set $squares0 (f64x2.add (local.get $squares0) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $squares1 (f64x2.add (local.get $squares1) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $saturated
          (i32x4.sub (local.get $saturated)
            (f32x4.gt (f32x4.abs (f32x4.sub (local.get $v) (local.get $center4))) (local.get $half4))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (local.set $stop (call $end (local.get $p) (i32.and (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $x (f32.load (local.get $p)))
        (local.set $d (f64.sub (f64.promote_f32 (local.get $x)) (local.get $shift)))
        (local.set $sum (f64.add (local.get $sum) (local.get $d)))
        (local.set $squares (f64.add (local.get $squares) (f64.mul (local.get $d) (local.get $d))))
        (local.set $saturatedScalar
          (i32.add (local.get $saturatedScalar)
            (f32.gt (f32.abs (f32.sub (local.get $x) (local.get $center))) (local.get $halfWidth))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (global.set $squares
      (f64.add (local.get $squares) (call $lanesF64 (f64x2.add (local.get $squares0) (local.get $squares1)))))
    (global.set $saturated (i32.add (local.get $saturatedScalar) (call $lanesI32 (local.get $saturated))))
    (f64.add (local.get $sum) (call $lanesF64 (f64x2.add (local.get $sum0) (local.get $sum1)))))
)
