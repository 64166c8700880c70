;; Per-layer telemetry reductions in WebAssembly SIMD, run directly on the
;; memory of tfjs's WASM backend (imported, so no tensor is copied). Each
;; function streams once over `n` float32 values at byte offset `p`, four at
;; a time, with a scalar loop for the last n mod 4. The exported sums take
;; blocks of 64 values in float32 and add the blocks in float64; a block
;; float32 cannot hold (squares of 1e-25 gradients underflow) is summed in
;; float64, as the last n mod 64 values are (the *64 functions, see
;; "block-wise" below). `layerStats` computes one layer's whole telemetry row with
;; these and writes it into the result tensor, also on the heap: one call
;; per layer from JavaScript. Inside the loops
;; everything is written out by hand: V8 does not inline wasm calls, and a
;; call per iteration costs more than the iteration. The shuffle
;; 8..15 0..7 moves the two upper float32 lanes down to be promoted to f64x2.
;;
;; stats-wasm.generated.ts is this file compiled, kept so by a unit test
;; (stats-wasm.test.ts, which rewrites it with `--update`).
(module
  (import "tfjs" "memory" (memory 0))

  (global $sumAbs (export "sumAbs") (mut f64) (f64.const 0))
  (global $maxAbs (export "maxAbs") (mut f32) (f32.const 0))
  (global $minNonzero (export "minNonzero") (mut f32) (f32.const 0))
  (global $zeros (export "zeros") (mut i32) (i32.const 0))
  (global $squares (export "squares") (mut f64) (f64.const 0))
  (global $saturated (export "saturated") (mut i32) (i32.const 0))
  (global $shift (export "shift") (mut f64) (f64.const 0))
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
  (func $sumSquares64 (param $p i32) (param $n i32) (result f64)
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
  (func $gradientSums64 (param $p i32) (param $n i32) (result f64)
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
  (func $countAtLeast (export "countAtLeast")
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
  ;; the number of |y − center| > halfWidth in `saturated` (halfWidth = +∞:
  ;; none).
  (func $moments64
    (param $p i32) (param $n i32) (param $center f32) (param $halfWidth f32) (param $shift f64)
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

  ;; The block-wise reductions below sum 64 values at a time in float32
  ;; (one multiply and one add per four values, where promoting to float64
  ;; takes six instructions) and add each block's four lane sums to float64
  ;; totals. A lane sums 16 values, so it is within 16 float32 roundings
  ;; (relative 1e-6) of the exact sum. A block is summed again in float64
  ;; when float32 could not hold it: a lane of squares that overflowed, is
  ;; NaN, or fell below 2^-112 while some value in the lane is nonzero (its
  ;; squares may have underflowed: 1e-30 gradients). Above 2^-112 the
  ;; squares that underflowed lose at most 16 · 2^-149, relative 2^-33.
  ;; Zero blocks (dead units) stay on the fast path. The per-block checks
  ;; are written out in each function: a call per block costs 6 % of them.

  ;; Byte offset after the last whole block of 64 values.
  (func $blocksEnd (param $p i32) (param $n i32) (result i32)
    (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -64)) (i32.const 2))))

  ;; Σ x²: blocks in float32, the rest (n mod 64) in float64.
  (func $sumSquares (export "sumSquares") (param $p i32) (param $n i32) (result f64)
    (local $stop i32) (local $block i32) (local $v v128) (local $w v128)
    (local $acc0 v128) (local $acc1 v128) (local $bits v128) (local $total v128) (local $redone f64)
    (local.set $stop (call $blocksEnd (local.get $p) (local.get $n)))
    (block $done
      (loop $nextBlock
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $block (local.get $p))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $bits (v128.const i32x4 0 0 0 0))
        (loop $next
          (local.set $v (v128.load align=4 (local.get $p)))
          (local.set $w (v128.load offset=16 align=4 (local.get $p)))
          (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w) (local.get $w))))
          (local.set $bits (v128.or (local.get $bits) (v128.or (local.get $v) (local.get $w))))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br_if $next (i32.lt_u (local.get $p) (i32.add (local.get $block) (i32.const 256)))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
        (if (v128.any_true
            (v128.or
              (v128.and (f32x4.lt (local.get $acc0) (v128.const f32x4 0x1p-112 0x1p-112 0x1p-112 0x1p-112)) (i32x4.ne (v128.and (local.get $bits) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
                (v128.const i32x4 0 0 0 0)))
              (v128.not (f32x4.lt (local.get $acc0) (v128.const f32x4 inf inf inf inf)))))
          (then (local.set $redone (f64.add (local.get $redone) (call $sumSquares64 (local.get $block) (i32.const 64)))))
          (else (local.set $total (f64x2.add (local.get $total) (f64x2.add (f64x2.promote_low_f32x4 (local.get $acc0))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $acc0) (local.get $acc0))))))))
        (br $nextBlock)))
    (f64.add
      (f64.add (local.get $redone) (call $lanesF64 (local.get $total)))
      (call $sumSquares64 (local.get $p) (i32.and (local.get $n) (i32.const 63)))))

  ;; What gradientSums64 computes, blocks in float32: Σ g² returned; Σ|g|,
  ;; max|g|, the smallest nonzero |g| and the zeros in the globals. The
  ;; extremes and zeros are exact whichever way a block is summed.
  (func $gradientSums (export "gradientSums") (param $p i32) (param $n i32) (result f64)
    (local $stop i32) (local $block i32) (local $a v128) (local $b v128)
    (local $squares0 v128) (local $squares1 v128) (local $abs0 v128) (local $abs1 v128)
    (local $max v128) (local $min v128) (local $zeros v128) (local $isZero v128) (local $infinity v128)
    (local $totalSquares v128) (local $totalAbs v128) (local $redoneSquares f64) (local $redoneAbs f64)
    (local $tailSquares f64)
    (local.set $infinity (i32x4.splat (i32.const 0x7f800000)))
    (local.set $min (local.get $infinity))
    (local.set $stop (call $blocksEnd (local.get $p) (local.get $n)))
    (block $done
      (loop $nextBlock
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $block (local.get $p))
        (local.set $squares0 (v128.const i32x4 0 0 0 0))
        (local.set $squares1 (v128.const i32x4 0 0 0 0))
        (local.set $abs0 (v128.const i32x4 0 0 0 0))
        (local.set $abs1 (v128.const i32x4 0 0 0 0))
        (loop $next
          (local.set $a (f32x4.abs (v128.load align=4 (local.get $p))))
          (local.set $b (f32x4.abs (v128.load offset=16 align=4 (local.get $p))))
          (local.set $squares0 (f32x4.add (local.get $squares0) (f32x4.mul (local.get $a) (local.get $a))))
          (local.set $squares1 (f32x4.add (local.get $squares1) (f32x4.mul (local.get $b) (local.get $b))))
          (local.set $abs0 (f32x4.add (local.get $abs0) (local.get $a)))
          (local.set $abs1 (f32x4.add (local.get $abs1) (local.get $b)))
          (local.set $max (i32x4.max_s (i32x4.max_s (local.get $max) (local.get $a)) (local.get $b)))
          (local.set $isZero (i32x4.eq (local.get $a) (v128.const i32x4 0 0 0 0)))
          (local.set $zeros (i32x4.sub (local.get $zeros) (local.get $isZero)))
          (local.set $min
            (i32x4.min_s (local.get $min) (v128.bitselect (local.get $infinity) (local.get $a) (local.get $isZero))))
          (local.set $isZero (i32x4.eq (local.get $b) (v128.const i32x4 0 0 0 0)))
          (local.set $zeros (i32x4.sub (local.get $zeros) (local.get $isZero)))
          (local.set $min
            (i32x4.min_s (local.get $min) (v128.bitselect (local.get $infinity) (local.get $b) (local.get $isZero))))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br_if $next (i32.lt_u (local.get $p) (i32.add (local.get $block) (i32.const 256)))))
        (local.set $squares0 (f32x4.add (local.get $squares0) (local.get $squares1)))
        (local.set $abs0 (f32x4.add (local.get $abs0) (local.get $abs1)))
        ;; A lane's Σ|g| is above 0 exactly when it holds a nonzero (or NaN, which the squares catch).
        (if (v128.any_true
            (v128.or
              (v128.and (f32x4.lt (local.get $squares0) (v128.const f32x4 0x1p-112 0x1p-112 0x1p-112 0x1p-112)) (f32x4.gt (local.get $abs0) (v128.const i32x4 0 0 0 0)))
              (v128.not (f32x4.lt (local.get $squares0) (v128.const f32x4 inf inf inf inf)))))
          (then
            (local.set $redoneSquares
              (f64.add (local.get $redoneSquares) (call $gradientSums64 (local.get $block) (i32.const 64))))
            (local.set $redoneAbs (f64.add (local.get $redoneAbs) (global.get $sumAbs))))
          (else
            (local.set $totalSquares (f64x2.add (local.get $totalSquares) (f64x2.add (f64x2.promote_low_f32x4 (local.get $squares0))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $squares0) (local.get $squares0))))))
            (local.set $totalAbs (f64x2.add (local.get $totalAbs) (f64x2.add (f64x2.promote_low_f32x4 (local.get $abs0))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $abs0) (local.get $abs0))))))))
        (br $nextBlock)))
    ;; The tail sets every global; the blocks' results join them.
    (local.set $tailSquares (call $gradientSums64 (local.get $p) (i32.and (local.get $n) (i32.const 63))))
    (global.set $sumAbs
      (f64.add (global.get $sumAbs) (f64.add (local.get $redoneAbs) (call $lanesF64 (local.get $totalAbs)))))
    (local.set $max (i32x4.max_s (local.get $max) (i32x4.splat (i32.reinterpret_f32 (global.get $maxAbs)))))
    (local.set $max (i32x4.max_s (local.get $max) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $max) (local.get $max))))
    (local.set $max (i32x4.max_s (local.get $max) (i8x16.shuffle 4 5 6 7 0 1 2 3 8 9 10 11 12 13 14 15 (local.get $max) (local.get $max))))
    (global.set $maxAbs (f32.reinterpret_i32 (i32x4.extract_lane 0 (local.get $max))))
    (local.set $min (i32x4.min_s (local.get $min) (i32x4.splat (i32.reinterpret_f32 (global.get $minNonzero)))))
    (local.set $min (i32x4.min_s (local.get $min) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $min) (local.get $min))))
    (local.set $min (i32x4.min_s (local.get $min) (i8x16.shuffle 4 5 6 7 0 1 2 3 8 9 10 11 12 13 14 15 (local.get $min) (local.get $min))))
    (global.set $minNonzero (f32.reinterpret_i32 (i32x4.extract_lane 0 (local.get $min))))
    (global.set $zeros (i32.add (global.get $zeros) (call $lanesI32 (local.get $zeros))))
    (f64.add (local.get $tailSquares)
      (f64.add (local.get $redoneSquares) (call $lanesF64 (local.get $totalSquares)))))

  ;; Σ (y − shift), returned, and Σ (y − shift)² in `squares`, with shift =
  ;; the first value (in `shift`) so that a large mean does not cancel the
  ;; variance; the number of |y − center| > halfWidth in `saturated`
  ;; (halfWidth = +∞: none). Blocks in float32, the rest in float64. n ≥ 1.
  (func $moments (export "moments")
    (param $p i32) (param $n i32) (param $center f32) (param $halfWidth f32)
    (result f64)
    (local $shift32 f32) (local $stop i32) (local $block i32) (local $v v128) (local $w v128)
    (local $d v128) (local $e v128) (local $shift4 v128) (local $center4 v128) (local $half4 v128)
    (local $sum0 v128) (local $sum1 v128) (local $squares0 v128) (local $squares1 v128) (local $bits v128)
    (local $saturated v128) (local $totalSum v128) (local $totalSquares v128)
    (local $redoneSum f64) (local $redoneSquares f64) (local $tailSum f64) (local $saturating i32)
    (local.set $saturating (f32.lt (local.get $halfWidth) (f32.const inf)))
    (local.set $shift32 (f32.load (local.get $p)))
    (global.set $shift (f64.promote_f32 (local.get $shift32)))
    (local.set $shift4 (f32x4.splat (local.get $shift32)))
    (local.set $center4 (f32x4.splat (local.get $center)))
    (local.set $half4 (f32x4.splat (local.get $halfWidth)))
    (local.set $stop (call $blocksEnd (local.get $p) (local.get $n)))
    (block $done
      (loop $nextBlock
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $block (local.get $p))
        (local.set $sum0 (v128.const i32x4 0 0 0 0))
        (local.set $sum1 (v128.const i32x4 0 0 0 0))
        (local.set $squares0 (v128.const i32x4 0 0 0 0))
        (local.set $squares1 (v128.const i32x4 0 0 0 0))
        (local.set $bits (v128.const i32x4 0 0 0 0))
        ;; Two copies of the loop: the saturation test costs a third of it, and only
        ;; sigmoid and tanh layers (a finite halfWidth) need it.
        (if (local.get $saturating)
          (then
            (loop $next
              (local.set $v (v128.load align=4 (local.get $p)))
              (local.set $w (v128.load offset=16 align=4 (local.get $p)))
              (local.set $d (f32x4.sub (local.get $v) (local.get $shift4)))
              (local.set $e (f32x4.sub (local.get $w) (local.get $shift4)))
              (local.set $sum0 (f32x4.add (local.get $sum0) (local.get $d)))
              (local.set $sum1 (f32x4.add (local.get $sum1) (local.get $e)))
              (local.set $squares0 (f32x4.add (local.get $squares0) (f32x4.mul (local.get $d) (local.get $d))))
              (local.set $squares1 (f32x4.add (local.get $squares1) (f32x4.mul (local.get $e) (local.get $e))))
              (local.set $bits (v128.or (local.get $bits) (v128.or (local.get $d) (local.get $e))))
              (local.set $saturated
                (i32x4.sub (i32x4.sub (local.get $saturated)
                  (f32x4.gt (f32x4.abs (f32x4.sub (local.get $v) (local.get $center4))) (local.get $half4)))
                  (f32x4.gt (f32x4.abs (f32x4.sub (local.get $w) (local.get $center4))) (local.get $half4))))
              (local.set $p (i32.add (local.get $p) (i32.const 32)))
              (br_if $next (i32.lt_u (local.get $p) (i32.add (local.get $block) (i32.const 256))))))
          (else
            (loop $next
              (local.set $v (v128.load align=4 (local.get $p)))
              (local.set $w (v128.load offset=16 align=4 (local.get $p)))
              (local.set $d (f32x4.sub (local.get $v) (local.get $shift4)))
              (local.set $e (f32x4.sub (local.get $w) (local.get $shift4)))
              (local.set $sum0 (f32x4.add (local.get $sum0) (local.get $d)))
              (local.set $sum1 (f32x4.add (local.get $sum1) (local.get $e)))
              (local.set $squares0 (f32x4.add (local.get $squares0) (f32x4.mul (local.get $d) (local.get $d))))
              (local.set $squares1 (f32x4.add (local.get $squares1) (f32x4.mul (local.get $e) (local.get $e))))
              (local.set $bits (v128.or (local.get $bits) (v128.or (local.get $d) (local.get $e))))
              (local.set $p (i32.add (local.get $p) (i32.const 32)))
              (br_if $next (i32.lt_u (local.get $p) (i32.add (local.get $block) (i32.const 256)))))))
        (local.set $squares0 (f32x4.add (local.get $squares0) (local.get $squares1)))
        (local.set $sum0 (f32x4.add (local.get $sum0) (local.get $sum1)))
        (if (v128.any_true
            (v128.or
              (v128.and (f32x4.lt (local.get $squares0) (v128.const f32x4 0x1p-112 0x1p-112 0x1p-112 0x1p-112)) (i32x4.ne (v128.and (local.get $bits) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
                (v128.const i32x4 0 0 0 0)))
              (v128.not (f32x4.lt (local.get $squares0) (v128.const f32x4 inf inf inf inf)))))
          (then
            (local.set $redoneSum
              (f64.add (local.get $redoneSum)
                (call $moments64 (local.get $block) (i32.const 64) (local.get $center) (f32.const inf)
                  (global.get $shift))))
            (local.set $redoneSquares (f64.add (local.get $redoneSquares) (global.get $squares))))
          (else
            (local.set $totalSum (f64x2.add (local.get $totalSum) (f64x2.add (f64x2.promote_low_f32x4 (local.get $sum0))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sum0) (local.get $sum0))))))
            (local.set $totalSquares (f64x2.add (local.get $totalSquares) (f64x2.add (f64x2.promote_low_f32x4 (local.get $squares0))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $squares0) (local.get $squares0))))))))
        (br $nextBlock)))
    ;; The tail sets `squares` and `saturated`; the blocks' results join them.
    (local.set $tailSum
      (call $moments64 (local.get $p) (i32.and (local.get $n) (i32.const 63)) (local.get $center) (local.get $halfWidth)
        (global.get $shift)))
    (global.set $squares
      (f64.add (global.get $squares) (f64.add (local.get $redoneSquares) (call $lanesF64 (local.get $totalSquares)))))
    (global.set $saturated (i32.add (global.get $saturated) (call $lanesI32 (local.get $saturated))))
    (f64.add (local.get $tailSum) (f64.add (local.get $redoneSum) (call $lanesF64 (local.get $totalSum)))))

  ;; Units (positions after the batch axis) whose value is ≤ 0 for every
  ;; example of the batch. Sixteen neighbouring units at a time (one cache
  ;; line per example), walking the examples until all sixteen have been
  ;; positive: a live unit usually is within a few examples, and a
  ;; convolution's units, thousands of floats apart per example, are read a
  ;; line at a time rather than a float per line. The last units one by one.
  (func $deadUnits (export "deadUnits") (param $p i32) (param $units i32) (param $batch i32) (result i32)
    (local $stride i32) (local $stop i32) (local $unit i32) (local $at i32) (local $dead i32)
    (local $alive0 v128) (local $alive1 v128) (local $alive2 v128) (local $alive3 v128) (local $zero v128)
    (local.set $stride (i32.shl (local.get $units) (i32.const 2)))
    (local.set $stop (i32.add (local.get $p) (i32.mul (local.get $stride) (local.get $batch))))
    (block $blocks_done
      (loop $next_block
        (br_if $blocks_done (i32.gt_u (i32.add (local.get $unit) (i32.const 16)) (local.get $units)))
        (local.set $at (i32.add (local.get $p) (i32.shl (local.get $unit) (i32.const 2))))
        (local.set $alive0 (local.get $zero))
        (local.set $alive1 (local.get $zero))
        (local.set $alive2 (local.get $zero))
        (local.set $alive3 (local.get $zero))
        (block $block_done
          (loop $next_example
            (br_if $block_done (i32.ge_u (local.get $at) (local.get $stop)))
            (local.set $alive0 (v128.or (local.get $alive0) (f32x4.gt (v128.load align=4 (local.get $at)) (local.get $zero))))
            (local.set $alive1 (v128.or (local.get $alive1) (f32x4.gt (v128.load offset=16 align=4 (local.get $at)) (local.get $zero))))
            (local.set $alive2 (v128.or (local.get $alive2) (f32x4.gt (v128.load offset=32 align=4 (local.get $at)) (local.get $zero))))
            (local.set $alive3 (v128.or (local.get $alive3) (f32x4.gt (v128.load offset=48 align=4 (local.get $at)) (local.get $zero))))
            (br_if $block_done
              (i32x4.all_true
                (v128.and (v128.and (local.get $alive0) (local.get $alive1)) (v128.and (local.get $alive2) (local.get $alive3)))))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (br $next_example)))
        ;; Each lane still 0 is a dead unit: 16 minus the set bits of the four lane masks.
        (local.set $dead
          (i32.add (local.get $dead)
            (i32.sub (i32.const 16)
              (i32.popcnt
                (i32.or
                  (i32.or (i32x4.bitmask (local.get $alive0)) (i32.shl (i32x4.bitmask (local.get $alive1)) (i32.const 4)))
                  (i32.or (i32.shl (i32x4.bitmask (local.get $alive2)) (i32.const 8)) (i32.shl (i32x4.bitmask (local.get $alive3)) (i32.const 12))))))))
        (local.set $unit (i32.add (local.get $unit) (i32.const 16)))
        (br $next_block)))
    (block $units_done
      (loop $next_unit
        (br_if $units_done (i32.ge_u (local.get $unit) (local.get $units)))
        (local.set $at (i32.add (local.get $p) (i32.shl (local.get $unit) (i32.const 2))))
        (block $alive
          (loop $next_example
            (if (i32.ge_u (local.get $at) (local.get $stop))
              (then
                (local.set $dead (i32.add (local.get $dead) (i32.const 1)))
                (br $alive)))
            (br_if $alive (f32.gt (f32.load (local.get $at)) (f32.const 0)))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (br $next_example)))
        (local.set $unit (i32.add (local.get $unit) (i32.const 1)))
        (br $next_unit)))
    (local.get $dead))

  ;; The row, in LAYER_STAT_FIELDS order (src-shared/telemetry.ts):
  ;; 0 gradNorm, 1 outGradNorm, 2 gradMeanAbs, 3 gradMaxAbs, 4 updateRatio,
  ;; 5 activationMean, 6 activationStd, 7 saturatedFraction, 8 deadFraction,
  ;; 9..24 the histogram; NaN where a statistic does not apply. A pointer of
  ;; 0 means the tensor is absent (tfjs never allocates at 0). `step` absent
  ;; and `stepScale` finite: the step is stepScale · gradient (plain SGD).
  ;; `edges` points at the 16 float32 histogram edges (HISTOGRAM_EDGES).
  (func (export "layerStats")
    (param $row i32) (param $edges i32)
    (param $grad i32) (param $gradN i32)
    (param $weight i32) (param $step i32) (param $stepScale f64)
    (param $outGrad i32) (param $outGradN i32)
    (param $output i32) (param $outputN i32) (param $batch i32)
    (param $saturation i32) (param $center f32) (param $halfWidth f32) (param $countDead i32)
    (local $i i32) (local $norm f64) (local $stepNorm f64) (local $mean f64) (local $units i32)
    (loop $fill
      (f32.store (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))) (f32.const nan))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 25))))
    (if (local.get $grad)
      (then
        (local.set $norm (f64.sqrt (call $gradientSums (local.get $grad) (local.get $gradN))))
        (f32.store offset=0 (local.get $row) (f32.demote_f64 (local.get $norm)))
        (f32.store offset=8 (local.get $row)
          (f32.demote_f64 (f64.div (global.get $sumAbs) (f64.convert_i32_u (local.get $gradN)))))
        (f32.store offset=12 (local.get $row) (global.get $maxAbs))
        (call $histogram (i32.add (local.get $row) (i32.const 36)) (local.get $edges)
          (local.get $grad) (local.get $gradN))
        (if (local.get $weight)
          (then
            (local.set $stepNorm
              (if (result f64) (local.get $step)
                (then (f64.sqrt (call $sumSquares (local.get $step) (local.get $gradN))))
                (else (f64.mul (f64.abs (local.get $stepScale)) (local.get $norm)))))
            (f32.store offset=16 (local.get $row)
              (f32.demote_f64
                (f64.div (local.get $stepNorm) (f64.sqrt (call $sumSquares (local.get $weight) (local.get $gradN))))))))))
    (f32.store offset=4 (local.get $row)
      (if (result f32) (local.get $outGrad)
        (then (f32.demote_f64 (f64.sqrt (call $sumSquares (local.get $outGrad) (local.get $outGradN)))))
        (else (f32.const 0))))
    (local.set $mean
      (f64.div
        (call $moments (local.get $output) (local.get $outputN) (local.get $center)
          (select (local.get $halfWidth) (f32.const inf) (local.get $saturation)))
        (f64.convert_i32_u (local.get $outputN))))
    (f32.store offset=20 (local.get $row) (f32.demote_f64 (f64.add (global.get $shift) (local.get $mean))))
    (f32.store offset=24 (local.get $row)
      (f32.demote_f64
        (f64.sqrt
          (f64.max
            (f64.sub
              (f64.div (global.get $squares) (f64.convert_i32_u (local.get $outputN)))
              (f64.mul (local.get $mean) (local.get $mean)))
            (f64.const 0)))))
    (if (local.get $saturation)
      (then
        (f32.store offset=28 (local.get $row)
          (f32.demote_f64
            (f64.div (f64.convert_i32_u (global.get $saturated)) (f64.convert_i32_u (local.get $outputN)))))))
    (if (local.get $countDead)
      (then
        (local.set $units (i32.div_u (local.get $outputN) (local.get $batch)))
        (f32.store offset=32 (local.get $row)
          (f32.demote_f64
            (f64.div
              (f64.convert_i32_u (call $deadUnits (local.get $output) (local.get $units) (local.get $batch)))
              (f64.convert_i32_u (local.get $units))))))))

  ;; The 16-bin histogram of |g| after gradientSums (which left max, the
  ;; smallest nonzero and the zeros in the globals): first the number of
  ;; entries at or above each edge into the bins' slots, then differences.
  ;; Edges at or below the smallest nonzero |g| count every nonzero entry,
  ;; edges above the largest none: only the edges in between (a contiguous
  ;; run) need passes, four per pass. With a NaN (below every edge but not
  ;; zero) every edge is counted.
  (func $histogram (param $bins i32) (param $edges i32) (param $p i32) (param $n i32)
    (local $k i32) (local $edge f32) (local $max f32) (local $minNonzero f32) (local $exact i32)
    (local $first i32) (local $last i32) (local $nonzero f32)
    (local.set $max (global.get $maxAbs))
    (local.set $minNonzero (global.get $minNonzero))
    (local.set $exact (f32.eq (local.get $max) (local.get $max)))
    (local.set $nonzero (f32.convert_i32_u (i32.sub (local.get $n) (global.get $zeros))))
    (f32.store (local.get $bins) (f32.convert_i32_u (local.get $n)))
    (local.set $first (i32.const 16))
    (local.set $k (i32.const 1))
    (loop $classify
      (local.set $edge (f32.load (i32.add (local.get $edges) (i32.shl (local.get $k) (i32.const 2)))))
      (f32.store (i32.add (local.get $bins) (i32.shl (local.get $k) (i32.const 2)))
        (if (result f32) (i32.and (local.get $exact) (f32.gt (local.get $edge) (local.get $max)))
          (then (f32.const 0))
          (else
            (if (result f32) (i32.and (local.get $exact) (f32.le (local.get $edge) (local.get $minNonzero)))
              (then (local.get $nonzero))
              (else
                (if (i32.gt_u (local.get $first) (local.get $k)) (then (local.set $first (local.get $k))))
                (local.set $last (local.get $k))
                (f32.const 0))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $classify (i32.lt_u (local.get $k) (i32.const 16))))
    (local.set $k (local.get $first))
    (block $counted
      (loop $count
        (br_if $counted (i32.gt_u (local.get $k) (local.get $last)))
        (call $countAtLeast (local.get $p) (local.get $n)
          (call $edgeOrInfinity (local.get $edges) (local.get $k) (local.get $last))
          (call $edgeOrInfinity (local.get $edges) (i32.add (local.get $k) (i32.const 1)) (local.get $last))
          (call $edgeOrInfinity (local.get $edges) (i32.add (local.get $k) (i32.const 2)) (local.get $last))
          (call $edgeOrInfinity (local.get $edges) (i32.add (local.get $k) (i32.const 3)) (local.get $last)))
        (call $storeCount (local.get $bins) (local.get $k) (local.get $last) (global.get $atLeast0))
        (call $storeCount (local.get $bins) (i32.add (local.get $k) (i32.const 1)) (local.get $last) (global.get $atLeast1))
        (call $storeCount (local.get $bins) (i32.add (local.get $k) (i32.const 2)) (local.get $last) (global.get $atLeast2))
        (call $storeCount (local.get $bins) (i32.add (local.get $k) (i32.const 3)) (local.get $last) (global.get $atLeast3))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $count)))
    ;; bin k = (count ≥ edge k) − (count ≥ edge k+1), in place, ascending.
    (local.set $k (i32.const 0))
    (loop $difference
      (f32.store (i32.add (local.get $bins) (i32.shl (local.get $k) (i32.const 2)))
        (f32.sub
          (f32.load (i32.add (local.get $bins) (i32.shl (local.get $k) (i32.const 2))))
          (f32.load (i32.add (local.get $bins) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $difference (i32.lt_u (local.get $k) (i32.const 15)))))

  (func $edgeOrInfinity (param $edges i32) (param $k i32) (param $last i32) (result f32)
    (if (result f32) (i32.le_u (local.get $k) (local.get $last))
      (then (f32.load (i32.add (local.get $edges) (i32.shl (local.get $k) (i32.const 2)))))
      (else (f32.const inf))))

  (func $storeCount (param $bins i32) (param $k i32) (param $last i32) (param $count i32)
    (if (i32.le_u (local.get $k) (local.get $last))
      (then
        (f32.store (i32.add (local.get $bins) (i32.shl (local.get $k) (i32.const 2)))
          (f32.convert_i32_u (local.get $count))))))
)
