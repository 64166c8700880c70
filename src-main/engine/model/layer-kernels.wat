;; Max pooling, its gradient, a bias gradient's per-channel sums, and a dense
;; layer's activation gradient, run directly on the memory of tfjs's WASM backend (imported, so no tensor is
;; copied). Tensors are float32 NHWC at byte offsets; the callers pass the
;; geometry (TensorFlow's: window rows top + [0, poolH), clipped to the image,
;; so padding never takes part).
;;
;; They replace op chains that cost a CNN's step more than its pooling
;; arithmetic: the window max built from a transpose, a reduction, an argMax,
;; a oneHot and a multiply (tfjs-wasm's own MaxPoolGrad is wrong with more
;; than one channel or `same` padding), and the bias gradient's Sum over
;; [batch, height, width], which tfjs-wasm runs as a transpose then a sum,
;; the three or four elementwise ops of an activation's derivative, and the
;; two ops per weight of a plain SGD update, and the concatenation a global
;; gradient norm squared was taken over.
;;
;; layer-kernels-wasm.generated.ts is this file compiled, kept so by a unit test
;; (layer-kernels-wasm.test.ts, which rewrites it with `--update`).
(module
  (import "tfjs" "memory" (memory 0))

  ;; Byte offset of pixel (b, r, q)'s first channel.
  (func $pixel (param $base i32) (param $b i32) (param $r i32) (param $q i32)
                (param $height i32) (param $width i32) (param $rowBytes i32) (result i32)
    (i32.add (local.get $base)
      (i32.mul
        (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $height)) (local.get $r))
                          (local.get $width))
                 (local.get $q))
        (local.get $rowBytes))))

  (func $max (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))
  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))

  ;; out[b, oh, ow, c] = max over the window of x[b, ·, ·, c]; NaN wins (f32.max
  ;; propagates it), so a diverged activation is not hidden by the pool. The
  ;; window's first pixel is copied to the output, then each other pixel is
  ;; folded in four channels at a time: the output row stays in cache.
  (func (export "maxPool")
    (param $x i32) (param $out i32)
    (param $batch i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $poolH i32) (param $poolW i32) (param $strideH i32) (param $strideW i32)
    (param $padTop i32) (param $padLeft i32) (param $outH i32) (param $outW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $r i32) (local $q i32)
    (local $r0 i32) (local $r1 i32) (local $q0 i32) (local $q1 i32)
    (local $rowBytes i32) (local $imageRowBytes i32) (local $vectorBytes i32)
    (local $rowStart i32) (local $src i32) (local $o i32) (local $i i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $imageRowBytes (i32.mul (local.get $width) (local.get $rowBytes)))
    (local.set $vectorBytes (i32.shl (i32.and (local.get $channels) (i32.const -4)) (i32.const 2)))
    (local.set $o (local.get $out))
    (local.set $b (i32.const 0))
    (block $batchDone (loop $batchNext
      (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $rowsDone (loop $rowsNext
        (br_if $rowsDone (i32.ge_u (local.get $oh) (local.get $outH)))
        (local.set $r0 (i32.sub (i32.mul (local.get $oh) (local.get $strideH)) (local.get $padTop)))
        (local.set $r1 (call $min (i32.add (local.get $r0) (local.get $poolH)) (local.get $height)))
        (local.set $r0 (call $max (local.get $r0) (i32.const 0)))
        (local.set $ow (i32.const 0))
        (block $colsDone (loop $colsNext
          (br_if $colsDone (i32.ge_u (local.get $ow) (local.get $outW)))
          (local.set $q0 (i32.sub (i32.mul (local.get $ow) (local.get $strideW)) (local.get $padLeft)))
          (local.set $q1 (call $min (i32.add (local.get $q0) (local.get $poolW)) (local.get $width)))
          (local.set $q0 (call $max (local.get $q0) (i32.const 0)))
          (local.set $rowStart
            (call $pixel (local.get $x) (local.get $b) (local.get $r0) (local.get $q0)
                         (local.get $height) (local.get $width) (local.get $rowBytes)))
          (memory.copy (local.get $o) (local.get $rowStart) (local.get $rowBytes))
          (local.set $r (local.get $r0))
          (block $windowRowsDone (loop $windowRowsNext
            (br_if $windowRowsDone (i32.ge_s (local.get $r) (local.get $r1)))
            (local.set $src (local.get $rowStart))
            (local.set $q (local.get $q0))
            (block $windowColsDone (loop $windowColsNext
              (br_if $windowColsDone (i32.ge_s (local.get $q) (local.get $q1)))
              (local.set $i (i32.const 0))
              (block $vectorsDone (loop $vectorsNext
                (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $vectorBytes)))
                (v128.store align=4 (i32.add (local.get $o) (local.get $i))
                  (f32x4.max (v128.load align=4 (i32.add (local.get $o) (local.get $i)))
                             (v128.load align=4 (i32.add (local.get $src) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $vectorsNext)))
              (block $scalarsDone (loop $scalarsNext
                (br_if $scalarsDone (i32.ge_u (local.get $i) (local.get $rowBytes)))
                (f32.store (i32.add (local.get $o) (local.get $i))
                  (f32.max (f32.load (i32.add (local.get $o) (local.get $i)))
                           (f32.load (i32.add (local.get $src) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $scalarsNext)))
              (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br $windowColsNext)))
            (local.set $rowStart (i32.add (local.get $rowStart) (local.get $imageRowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $windowRowsNext)))
          (local.set $o (i32.add (local.get $o) (local.get $rowBytes)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $colsNext)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $rowsNext)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchNext)))
  )

  ;; dx = Σ over windows of dy at each window's first maximal pixel (row-major
  ;; order), per channel: TensorFlow's MaxPoolGrad, where a window of tied
  ;; values (zeros after a ReLU) passes its gradient to one pixel, not all. A
  ;; NaN counts as the maximum, as in the forward pass. Overlapping windows add.
  ;; Four channels at a time: the best value and its byte offset per lane,
  ;; replaced where a pixel is greater (f32x4.gt is false against NaN, so a
  ;; NaN pixel replaces a lane whose best is not NaN by the second test).
  (func (export "maxPoolGrad")
    (param $dy i32) (param $x i32) (param $dx i32)
    (param $batch i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $poolH i32) (param $poolW i32) (param $strideH i32) (param $strideW i32)
    (param $padTop i32) (param $padLeft i32) (param $outH i32) (param $outW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $r i32) (local $q i32)
    (local $r0 i32) (local $r1 i32) (local $q0 i32) (local $q1 i32)
    (local $rowBytes i32) (local $imageRowBytes i32) (local $vectorBytes i32)
    (local $first i32) (local $rowStart i32) (local $src i32) (local $g i32) (local $i i32)
    (local $toDx i32) (local $p i32)
    (local $best v128) (local $at v128) (local $v v128) (local $take v128)
    (local $bestScalar f32) (local $atScalar i32) (local $value f32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $imageRowBytes (i32.mul (local.get $width) (local.get $rowBytes)))
    (local.set $vectorBytes (i32.shl (i32.and (local.get $channels) (i32.const -4)) (i32.const 2)))
    (local.set $toDx (i32.sub (local.get $dx) (local.get $x)))
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.mul (i32.mul (local.get $batch) (local.get $height)) (local.get $imageRowBytes)))
    (local.set $g (local.get $dy))
    (local.set $b (i32.const 0))
    (block $batchDone (loop $batchNext
      (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $rowsDone (loop $rowsNext
        (br_if $rowsDone (i32.ge_u (local.get $oh) (local.get $outH)))
        (local.set $r0 (i32.sub (i32.mul (local.get $oh) (local.get $strideH)) (local.get $padTop)))
        (local.set $r1 (call $min (i32.add (local.get $r0) (local.get $poolH)) (local.get $height)))
        (local.set $r0 (call $max (local.get $r0) (i32.const 0)))
        (local.set $ow (i32.const 0))
        (block $colsDone (loop $colsNext
          (br_if $colsDone (i32.ge_u (local.get $ow) (local.get $outW)))
          (local.set $q0 (i32.sub (i32.mul (local.get $ow) (local.get $strideW)) (local.get $padLeft)))
          (local.set $q1 (call $min (i32.add (local.get $q0) (local.get $poolW)) (local.get $width)))
          (local.set $q0 (call $max (local.get $q0) (i32.const 0)))
          (local.set $first (call $pixel (local.get $x) (local.get $b) (local.get $r0) (local.get $q0)
                                         (local.get $height) (local.get $width) (local.get $rowBytes)))
          ;; Four channels at a time.
          (local.set $i (i32.const 0))
          (block $vectorsDone (loop $vectorsNext
            (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $vectorBytes)))
            (local.set $best (v128.load align=4 (i32.add (local.get $first) (local.get $i))))
            (local.set $at (i32x4.add (i32x4.splat (i32.add (local.get $first) (local.get $i)))
                                      (v128.const i32x4 0 4 8 12)))
            (local.set $rowStart (i32.add (local.get $first) (local.get $i)))
            (local.set $r (local.get $r0))
            (block $windowRowsDone (loop $windowRowsNext
              (br_if $windowRowsDone (i32.ge_s (local.get $r) (local.get $r1)))
              (local.set $src (local.get $rowStart))
              (local.set $q (local.get $q0))
              (block $windowColsDone (loop $windowColsNext
                (br_if $windowColsDone (i32.ge_s (local.get $q) (local.get $q1)))
                (local.set $v (v128.load align=4 (local.get $src)))
                ;; v > best, or v is NaN and best is not.
                (local.set $take (v128.or
                  (f32x4.gt (local.get $v) (local.get $best))
                  (v128.and (f32x4.ne (local.get $v) (local.get $v))
                            (f32x4.eq (local.get $best) (local.get $best)))))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
                (local.set $at (v128.bitselect
                  (i32x4.add (i32x4.splat (local.get $src)) (v128.const i32x4 0 4 8 12))
                  (local.get $at) (local.get $take)))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $windowColsNext)))
              (local.set $rowStart (i32.add (local.get $rowStart) (local.get $imageRowBytes)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br $windowRowsNext)))
            ;; dx at each lane's pixel += dy (windows may overlap).
            (local.set $p (i32.add (local.get $toDx) (i32x4.extract_lane 0 (local.get $at))))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p))
              (f32.load (i32.add (local.get $g) (local.get $i)))))
            (local.set $p (i32.add (local.get $toDx) (i32x4.extract_lane 1 (local.get $at))))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p))
              (f32.load offset=4 (i32.add (local.get $g) (local.get $i)))))
            (local.set $p (i32.add (local.get $toDx) (i32x4.extract_lane 2 (local.get $at))))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p))
              (f32.load offset=8 (i32.add (local.get $g) (local.get $i)))))
            (local.set $p (i32.add (local.get $toDx) (i32x4.extract_lane 3 (local.get $at))))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p))
              (f32.load offset=12 (i32.add (local.get $g) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vectorsNext)))
          ;; The channels after the last group of four, one at a time.
          (block $scalarsDone (loop $scalarsNext
            (br_if $scalarsDone (i32.ge_u (local.get $i) (local.get $rowBytes)))
            (local.set $atScalar (i32.add (local.get $first) (local.get $i)))
            (local.set $bestScalar (f32.load (local.get $atScalar)))
            (local.set $rowStart (local.get $atScalar))
            (local.set $r (local.get $r0))
            (block $windowRowsDone (loop $windowRowsNext
              (br_if $windowRowsDone (i32.ge_s (local.get $r) (local.get $r1)))
              (local.set $src (local.get $rowStart))
              (local.set $q (local.get $q0))
              (block $windowColsDone (loop $windowColsNext
                (br_if $windowColsDone (i32.ge_s (local.get $q) (local.get $q1)))
                (local.set $value (f32.load (local.get $src)))
                (if (i32.or
                      (f32.gt (local.get $value) (local.get $bestScalar))
                      (i32.and (f32.ne (local.get $value) (local.get $value))
                               (f32.eq (local.get $bestScalar) (local.get $bestScalar))))
                  (then
                    (local.set $bestScalar (local.get $value))
                    (local.set $atScalar (local.get $src))))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $windowColsNext)))
              (local.set $rowStart (i32.add (local.get $rowStart) (local.get $imageRowBytes)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br $windowRowsNext)))
            (local.set $p (i32.add (local.get $toDx) (local.get $atScalar)))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p))
              (f32.load (i32.add (local.get $g) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $scalarsNext)))
          (local.set $g (i32.add (local.get $g) (local.get $rowBytes)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $colsNext)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $rowsNext)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchNext)))
  )


  ;; out[c] = Σ_r dy[r, c] over `rows` rows of `channels` values: the gradient
  ;; of a bias added to every pixel of every image. Summed in float64 (rows
  ;; run to hundreds of thousands), sixteen channels a pass where there are
  ;; sixteen left (eight f64x2 sums), then four, then one.
  (func (export "channelSums")
    (param $dy i32) (param $out i32) (param $rows i32) (param $channels i32)
    (local $rowBytes i32) (local $c i32) (local $p i32) (local $stop i32)
    (local $v v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local $sum f64)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $c (i32.const 0))
    (block $sixteensDone (loop $sixteensNext
      (br_if $sixteensDone (i32.gt_u (i32.add (local.get $c) (i32.const 16)) (local.get $channels)))
      (local.set $p (i32.add (local.get $dy) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $stop (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
      (local.set $s0 (v128.const i64x2 0 0)) (local.set $s1 (v128.const i64x2 0 0))
      (local.set $s2 (v128.const i64x2 0 0)) (local.set $s3 (v128.const i64x2 0 0))
      (local.set $s4 (v128.const i64x2 0 0)) (local.set $s5 (v128.const i64x2 0 0))
      (local.set $s6 (v128.const i64x2 0 0)) (local.set $s7 (v128.const i64x2 0 0))
      (block $rowsDone (loop $rowsNext
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $v (v128.load offset=16 align=4 (local.get $p)))
        (local.set $s2 (f64x2.add (local.get $s2) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $s3 (f64x2.add (local.get $s3) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $v (v128.load offset=32 align=4 (local.get $p)))
        (local.set $s4 (f64x2.add (local.get $s4) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $s5 (f64x2.add (local.get $s5) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $v (v128.load offset=48 align=4 (local.get $p)))
        (local.set $s6 (f64x2.add (local.get $s6) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $s7 (f64x2.add (local.get $s7) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $rowsNext)))
      (local.set $p (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))))
      (call $store4 (local.get $p) (local.get $s0) (local.get $s1))
      (call $store4 (i32.add (local.get $p) (i32.const 16)) (local.get $s2) (local.get $s3))
      (call $store4 (i32.add (local.get $p) (i32.const 32)) (local.get $s4) (local.get $s5))
      (call $store4 (i32.add (local.get $p) (i32.const 48)) (local.get $s6) (local.get $s7))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $sixteensNext)))
    (block $foursDone (loop $foursNext
      (br_if $foursDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $channels)))
      (local.set $p (i32.add (local.get $dy) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $stop (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
      (local.set $s0 (v128.const i64x2 0 0)) (local.set $s1 (v128.const i64x2 0 0))
      (block $rowsDone (loop $rowsNext
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $rowsNext)))
      (call $store4 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
                    (local.get $s0) (local.get $s1))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $foursNext)))
    (block $onesDone (loop $onesNext
      (br_if $onesDone (i32.ge_u (local.get $c) (local.get $channels)))
      (local.set $p (i32.add (local.get $dy) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $stop (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
      (local.set $sum (f64.const 0))
      (block $rowsDone (loop $rowsNext
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $rowsNext)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
                 (f32.demote_f64 (local.get $sum)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $onesNext)))
  )

  ;; Four float32 at p from two f64x2 sums (lanes 0, 1 then 2, 3).
  (func $store4 (param $p i32) (param $low v128) (param $high v128)
    (f32.store (local.get $p) (f32.demote_f64 (f64x2.extract_lane 0 (local.get $low))))
    (f32.store offset=4 (local.get $p) (f32.demote_f64 (f64x2.extract_lane 1 (local.get $low))))
    (f32.store offset=8 (local.get $p) (f32.demote_f64 (f64x2.extract_lane 0 (local.get $high))))
    (f32.store offset=12 (local.get $p) (f32.demote_f64 (f64x2.extract_lane 1 (local.get $high)))))

  ;; out = dy · f′, f′ written in terms of the output y = f(z) with the same
  ;; float32 operations, in the same order, as the op chain it replaces
  ;; (dense-kernel.ts derivativeFromOutput), so the result is bit for bit the
  ;; same. kind 0: sigmoid, y·(1 − y); 1: ReLU, [y > 0]; 2: leaky ReLU,
  ;; [y > 0]·(1 − α) + α; 3: ELU, min(y + 1, 1). A NaN output gives a NaN
  ;; derivative, as tf.step's does.
  ;; out = dy · f′, f′ written in terms of the output y = f(z) with the same
  ;; float32 operations, in the same order, as the op chain it replaces
  ;; (dense-kernel.ts derivativeFromOutput), so the result is bit for bit the
  ;; same. kind 0: sigmoid, y·(1 − y); 1: ReLU, [y > 0]; 2: leaky ReLU,
  ;; [y > 0]·(1 − α) + α; 3: ELU, min(y + 1, 1). A NaN output gives a NaN
  ;; derivative, as tf.step's does. One loop per kind, the kind tested once.
  (func (export "activationGradient")
    (param $dy i32) (param $y i32) (param $out i32) (param $n i32) (param $kind i32)
    (param $alpha f32) (param $oneMinusAlpha f32)
    (local $a v128) (local $b v128)
    (local.set $a (f32x4.splat (local.get $alpha)))
    (local.set $b (f32x4.splat (local.get $oneMinusAlpha)))
    (if (i32.eqz (local.get $kind))
      (then (return (call $sigmoidGradient (local.get $dy) (local.get $y) (local.get $out) (local.get $n)
                                           (local.get $a) (local.get $b)))))
    (if (i32.eq (local.get $kind) (i32.const 1))
      (then (return (call $reluGradient (local.get $dy) (local.get $y) (local.get $out) (local.get $n)
                                        (local.get $a) (local.get $b)))))
    (if (i32.eq (local.get $kind) (i32.const 2))
      (then (return (call $leakyReluGradient (local.get $dy) (local.get $y) (local.get $out) (local.get $n)
                                             (local.get $a) (local.get $b)))))
    (call $eluGradient (local.get $dy) (local.get $y) (local.get $out) (local.get $n)
                       (local.get $a) (local.get $b))
  )

  (func $sigmoidGradient (param $dy i32) (param $y i32) (param $out i32) (param $n i32)
                  (param $alpha v128) (param $oneMinusAlpha v128)
    (local $i i32) (local $stop i32) (local $v v128)
    ;; Whole vectors, then the last n mod 4 values one lane at a time.
    (local.set $stop (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone (loop $vectorsNext
      (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (v128.load align=4 (i32.add (local.get $y) (local.get $i))))
      (v128.store align=4 (i32.add (local.get $out) (local.get $i))
        (f32x4.mul (v128.load align=4 (i32.add (local.get $dy) (local.get $i))) (f32x4.mul (local.get $v) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $v)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vectorsNext)))
    (local.set $stop (i32.shl (local.get $n) (i32.const 2)))
    (block $scalarsDone (loop $scalarsNext
      (br_if $scalarsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (f32x4.splat (f32.load (i32.add (local.get $y) (local.get $i)))))
      (f32.store (i32.add (local.get $out) (local.get $i))
        (f32.mul (f32.load (i32.add (local.get $dy) (local.get $i)))
                 (f32x4.extract_lane 0 (f32x4.mul (local.get $v) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $v))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $scalarsNext)))
  )

  (func $reluGradient (param $dy i32) (param $y i32) (param $out i32) (param $n i32)
                  (param $alpha v128) (param $oneMinusAlpha v128)
    (local $i i32) (local $stop i32) (local $v v128)
    ;; Whole vectors, then the last n mod 4 values one lane at a time.
    (local.set $stop (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone (loop $vectorsNext
      (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (v128.load align=4 (i32.add (local.get $y) (local.get $i))))
      (v128.store align=4 (i32.add (local.get $out) (local.get $i))
        (f32x4.mul (v128.load align=4 (i32.add (local.get $dy) (local.get $i))) (v128.bitselect (local.get $v) (v128.and (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0)) (f32x4.splat (f32.const 1))) (f32x4.ne (local.get $v) (local.get $v)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vectorsNext)))
    (local.set $stop (i32.shl (local.get $n) (i32.const 2)))
    (block $scalarsDone (loop $scalarsNext
      (br_if $scalarsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (f32x4.splat (f32.load (i32.add (local.get $y) (local.get $i)))))
      (f32.store (i32.add (local.get $out) (local.get $i))
        (f32.mul (f32.load (i32.add (local.get $dy) (local.get $i)))
                 (f32x4.extract_lane 0 (v128.bitselect (local.get $v) (v128.and (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0)) (f32x4.splat (f32.const 1))) (f32x4.ne (local.get $v) (local.get $v))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $scalarsNext)))
  )

  (func $leakyReluGradient (param $dy i32) (param $y i32) (param $out i32) (param $n i32)
                  (param $alpha v128) (param $oneMinusAlpha v128)
    (local $i i32) (local $stop i32) (local $v v128)
    ;; Whole vectors, then the last n mod 4 values one lane at a time.
    (local.set $stop (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone (loop $vectorsNext
      (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (v128.load align=4 (i32.add (local.get $y) (local.get $i))))
      (v128.store align=4 (i32.add (local.get $out) (local.get $i))
        (f32x4.mul (v128.load align=4 (i32.add (local.get $dy) (local.get $i))) (f32x4.add (f32x4.mul (v128.bitselect (local.get $v) (v128.and (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0)) (f32x4.splat (f32.const 1))) (f32x4.ne (local.get $v) (local.get $v))) (local.get $oneMinusAlpha)) (local.get $alpha))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vectorsNext)))
    (local.set $stop (i32.shl (local.get $n) (i32.const 2)))
    (block $scalarsDone (loop $scalarsNext
      (br_if $scalarsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (f32x4.splat (f32.load (i32.add (local.get $y) (local.get $i)))))
      (f32.store (i32.add (local.get $out) (local.get $i))
        (f32.mul (f32.load (i32.add (local.get $dy) (local.get $i)))
                 (f32x4.extract_lane 0 (f32x4.add (f32x4.mul (v128.bitselect (local.get $v) (v128.and (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0)) (f32x4.splat (f32.const 1))) (f32x4.ne (local.get $v) (local.get $v))) (local.get $oneMinusAlpha)) (local.get $alpha)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $scalarsNext)))
  )

  (func $eluGradient (param $dy i32) (param $y i32) (param $out i32) (param $n i32)
                  (param $alpha v128) (param $oneMinusAlpha v128)
    (local $i i32) (local $stop i32) (local $v v128)
    ;; Whole vectors, then the last n mod 4 values one lane at a time.
    (local.set $stop (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone (loop $vectorsNext
      (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (v128.load align=4 (i32.add (local.get $y) (local.get $i))))
      (v128.store align=4 (i32.add (local.get $out) (local.get $i))
        (f32x4.mul (v128.load align=4 (i32.add (local.get $dy) (local.get $i))) (f32x4.min (f32x4.add (local.get $v) (f32x4.splat (f32.const 1))) (f32x4.splat (f32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vectorsNext)))
    (local.set $stop (i32.shl (local.get $n) (i32.const 2)))
    (block $scalarsDone (loop $scalarsNext
      (br_if $scalarsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (f32x4.splat (f32.load (i32.add (local.get $y) (local.get $i)))))
      (f32.store (i32.add (local.get $out) (local.get $i))
        (f32.mul (f32.load (i32.add (local.get $dy) (local.get $i)))
                 (f32x4.extract_lane 0 (f32x4.min (f32x4.add (local.get $v) (f32x4.splat (f32.const 1))) (f32x4.splat (f32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $scalarsNext)))
  )

  ;; One plain SGD update over n values: step = g · (−lr), value = w + step, each
  ;; rounded to float32 as the two tfjs ops it replaces round them (optimizers.ts).
  (func (export "sgdStep")
    (param $g i32) (param $w i32) (param $step i32) (param $value i32) (param $n i32)
    (param $negLr f32)
    (local $i i32) (local $stop i32) (local $lr v128) (local $s v128) (local $scalar f32)
    (local.set $lr (f32x4.splat (local.get $negLr)))
    (local.set $stop (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone (loop $vectorsNext
      (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $s (f32x4.mul (v128.load align=4 (i32.add (local.get $g) (local.get $i))) (local.get $lr)))
      (v128.store align=4 (i32.add (local.get $step) (local.get $i)) (local.get $s))
      (v128.store align=4 (i32.add (local.get $value) (local.get $i))
        (f32x4.add (v128.load align=4 (i32.add (local.get $w) (local.get $i))) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vectorsNext)))
    (local.set $stop (i32.shl (local.get $n) (i32.const 2)))
    (block $scalarsDone (loop $scalarsNext
      (br_if $scalarsDone (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $scalar (f32.mul (f32.load (i32.add (local.get $g) (local.get $i))) (local.get $negLr)))
      (f32.store (i32.add (local.get $step) (local.get $i)) (local.get $scalar))
      (f32.store (i32.add (local.get $value) (local.get $i))
        (f32.add (f32.load (i32.add (local.get $w) (local.get $i))) (local.get $scalar)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $scalarsNext)))
  )

  ;; Σ x² over n float32 values, in float64 (a global gradient norm: the sum of
  ;; every weight's gradient squared, hundreds of thousands of terms).
  (func (export "sumSquares") (param $p i32) (param $n i32) (result f64)
    (local $stop i32) (local $v v128) (local $lo v128) (local $hi v128)
    (local $acc0 v128) (local $acc1 v128) (local $x f64)
    (local.set $stop (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vectorsDone (loop $vectorsNext
      (br_if $vectorsDone (i32.ge_u (local.get $p) (local.get $stop)))
      (local.set $v (v128.load align=4 (local.get $p)))
      (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $hi (f64x2.promote_low_f32x4
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
      (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $lo) (local.get $lo))))
      (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $hi) (local.get $hi))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $vectorsNext)))
    (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
    (local.set $x (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
    (local.set $stop (i32.add (local.get $stop) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $scalarsDone (loop $scalarsNext
      (br_if $scalarsDone (i32.ge_u (local.get $p) (local.get $stop)))
      (local.set $x (f64.add (local.get $x)
        (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (f64.promote_f32 (f32.load (local.get $p))))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $scalarsNext)))
    (local.get $x)
  )
)
