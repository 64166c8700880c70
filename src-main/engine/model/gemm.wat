;; Matrix products for small and medium layers, run directly on the memory of
;; tfjs's WASM backend (imported, so no tensor is copied).
;;
;; Why not tfjs-wasm's own: it hands every product to XNNPACK, which packs the
;; right operand before multiplying and caches the packing by tensor. In
;; training every right operand is new each step (the weights change; their
;; transposes and the output gradients are fresh), so every product packs, and
;; a 64×64×64 product cost about 85 µs where its arithmetic takes 17 here.
;; XNNPACK also cannot take a transposed operand, so a layer's backward pass
;; needed two Transpose ops besides.
;;
;; out = A·B (+ bias) (max 0 for a ReLU), A an m×k matrix read through any
;; strides (so Aᵀ costs nothing), B and out read and written row by row.
;; Every output value is summed the same way whichever loop computes it: the
;; bias (or +0), then + A[i,p]·B[p,j] for p = 0, 1, …, k − 1 in float32, a
;; rounded product and a rounded sum each time (no fused multiply-add). So the
;; result does not depend on the tiling, and gemm-wasm.test.ts checks it bit
;; for bit against that loop written in JavaScript.
;;
;; The vector loop is XNNPACK's own "splat" scheme without the packing: a tile
;; of 4 rows × 8 columns held in eight f32x4 accumulators; for each p, two
;; vectors of B's row p and one broadcast value of A per row.
;;
;; gemm-wasm.generated.ts is this file compiled, kept so by a unit test
;; (gemm-wasm.test.ts, which rewrites it with `--update`).
(module
  (import "tfjs" "memory" (memory 0))

  ;; Byte offset of out[i, j].
  (func $at (param $out i32) (param $i i32) (param $j i32) (param $outRow i32) (result i32)
    (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outRow)))
             (i32.shl (local.get $j) (i32.const 2))))

  ;; The four bias values from column j on (zeros without a bias).
  (func $biasVector (param $bias i32) (param $j i32) (result v128)
    (if (result v128) (local.get $bias)
      (then (v128.load align=4 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
      (else (v128.const i32x4 0 0 0 0))))

  (func $biasValue (param $bias i32) (param $j i32) (result f32)
    (if (result f32) (local.get $bias)
      (then (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
      (else (f32.const 0))))

  ;; Rows i..i+3, columns j..j+7. $floor is 0 for a ReLU, else −∞ (a no-op max
  ;; that keeps NaN and −0).
  (func $tile4x8 (param $a i32) (param $b i32) (param $bias i32) (param $out i32)
                 (param $i i32) (param $j i32) (param $k i32) (param $bRow i32) (param $outRow i32)
                 (param $aRow i32) (param $aCol i32) (param $floor v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $p i32) (local $po i32)
    (local.set $c00 (call $biasVector (local.get $bias) (local.get $j)))
    (local.set $c01 (call $biasVector (local.get $bias) (i32.add (local.get $j) (i32.const 4))))
    (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c01))
    (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c01))
    (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c01))
    (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
    (local.set $pa1 (i32.add (local.get $pa0) (local.get $aRow)))
    (local.set $pa2 (i32.add (local.get $pa1) (local.get $aRow)))
    (local.set $pa3 (i32.add (local.get $pa2) (local.get $aRow)))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $p (local.get $k))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $p)))
      (local.set $b0 (v128.load align=4 (local.get $pb)))
      (local.set $b1 (v128.load offset=16 align=4 (local.get $pb)))
      (local.set $av (v128.load32_splat (local.get $pa0)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat (local.get $pa1)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat (local.get $pa2)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat (local.get $pa3)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $pa0 (i32.add (local.get $pa0) (local.get $aCol)))
      (local.set $pa1 (i32.add (local.get $pa1) (local.get $aCol)))
      (local.set $pa2 (i32.add (local.get $pa2) (local.get $aCol)))
      (local.set $pa3 (i32.add (local.get $pa3) (local.get $aCol)))
      (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (br $next)))
    (local.set $po (call $at (local.get $out) (local.get $i) (local.get $j) (local.get $outRow)))
    (v128.store align=4 (local.get $po) (f32x4.max (local.get $c00) (local.get $floor)))
    (v128.store offset=16 align=4 (local.get $po) (f32x4.max (local.get $c01) (local.get $floor)))
    (local.set $po (i32.add (local.get $po) (local.get $outRow)))
    (v128.store align=4 (local.get $po) (f32x4.max (local.get $c10) (local.get $floor)))
    (v128.store offset=16 align=4 (local.get $po) (f32x4.max (local.get $c11) (local.get $floor)))
    (local.set $po (i32.add (local.get $po) (local.get $outRow)))
    (v128.store align=4 (local.get $po) (f32x4.max (local.get $c20) (local.get $floor)))
    (v128.store offset=16 align=4 (local.get $po) (f32x4.max (local.get $c21) (local.get $floor)))
    (local.set $po (i32.add (local.get $po) (local.get $outRow)))
    (v128.store align=4 (local.get $po) (f32x4.max (local.get $c30) (local.get $floor)))
    (v128.store offset=16 align=4 (local.get $po) (f32x4.max (local.get $c31) (local.get $floor))))

  ;; Row i, columns j..j+7 (the rows after the last whole group of four).
  (func $tile1x8 (param $a i32) (param $b i32) (param $bias i32) (param $out i32)
                 (param $i i32) (param $j i32) (param $k i32) (param $bRow i32) (param $outRow i32)
                 (param $aRow i32) (param $aCol i32) (param $floor v128)
    (local $c0 v128) (local $c1 v128) (local $av v128)
    (local $pa i32) (local $pb i32) (local $p i32) (local $po i32)
    (local.set $c0 (call $biasVector (local.get $bias) (local.get $j)))
    (local.set $c1 (call $biasVector (local.get $bias) (i32.add (local.get $j) (i32.const 4))))
    (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $p (local.get $k))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $p)))
      (local.set $av (v128.load32_splat (local.get $pa)))
      (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $av) (v128.load align=4 (local.get $pb)))))
      (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $av) (v128.load offset=16 align=4 (local.get $pb)))))
      (local.set $pa (i32.add (local.get $pa) (local.get $aCol)))
      (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (br $next)))
    (local.set $po (call $at (local.get $out) (local.get $i) (local.get $j) (local.get $outRow)))
    (v128.store align=4 (local.get $po) (f32x4.max (local.get $c0) (local.get $floor)))
    (v128.store offset=16 align=4 (local.get $po) (f32x4.max (local.get $c1) (local.get $floor))))

  ;; Rows i..i+3, column j (the columns after the last whole group of eight):
  ;; four independent sums, so no one waits for another's additions.
  (func $column4 (param $a i32) (param $b i32) (param $bias i32) (param $out i32)
                 (param $i i32) (param $j i32) (param $k i32) (param $bRow i32) (param $outRow i32)
                 (param $aRow i32) (param $aCol i32) (param $floor v128)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $bv f32)
    (local $pa i32) (local $pb i32) (local $p i32) (local $po i32)
    (local.set $s0 (call $biasValue (local.get $bias) (local.get $j)))
    (local.set $s1 (local.get $s0)) (local.set $s2 (local.get $s0)) (local.set $s3 (local.get $s0))
    (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $p (local.get $k))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $p)))
      (local.set $bv (f32.load (local.get $pb)))
      (local.set $s0 (f32.add (local.get $s0) (f32.mul (f32.load (local.get $pa)) (local.get $bv))))
      (local.set $s1 (f32.add (local.get $s1)
        (f32.mul (f32.load (i32.add (local.get $pa) (local.get $aRow))) (local.get $bv))))
      (local.set $s2 (f32.add (local.get $s2)
        (f32.mul (f32.load (i32.add (local.get $pa) (i32.shl (local.get $aRow) (i32.const 1)))) (local.get $bv))))
      (local.set $s3 (f32.add (local.get $s3)
        (f32.mul (f32.load (i32.add (local.get $pa) (i32.mul (local.get $aRow) (i32.const 3)))) (local.get $bv))))
      (local.set $pa (i32.add (local.get $pa) (local.get $aCol)))
      (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (br $next)))
    (local.set $po (call $at (local.get $out) (local.get $i) (local.get $j) (local.get $outRow)))
    (f32.store (local.get $po) (call $floored (local.get $s0) (local.get $floor)))
    (local.set $po (i32.add (local.get $po) (local.get $outRow)))
    (f32.store (local.get $po) (call $floored (local.get $s1) (local.get $floor)))
    (local.set $po (i32.add (local.get $po) (local.get $outRow)))
    (f32.store (local.get $po) (call $floored (local.get $s2) (local.get $floor)))
    (local.set $po (i32.add (local.get $po) (local.get $outRow)))
    (f32.store (local.get $po) (call $floored (local.get $s3) (local.get $floor))))

  ;; One value (the last rows' last columns).
  (func $single (param $a i32) (param $b i32) (param $bias i32) (param $out i32)
                (param $i i32) (param $j i32) (param $k i32) (param $bRow i32) (param $outRow i32)
                (param $aRow i32) (param $aCol i32) (param $floor v128)
    (local $s f32) (local $pa i32) (local $pb i32) (local $p i32) 
    (local.set $s (call $biasValue (local.get $bias) (local.get $j)))
    (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $p (local.get $k))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $p)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
      (local.set $pa (i32.add (local.get $pa) (local.get $aCol)))
      (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (br $next)))
    (f32.store (call $at (local.get $out) (local.get $i) (local.get $j) (local.get $outRow))
      (call $floored (local.get $s) (local.get $floor))))

  ;; The same max as the vector lanes take (f32x4.max: NaN wins, −0 < +0).
  (func $floored (param $s f32) (param $floor v128) (result f32)
    (f32x4.extract_lane 0 (f32x4.max (f32x4.splat (local.get $s)) (local.get $floor))))

  ;; out (m×n) = A·B + bias, max 0 when $relu. A[i, p] is at a + i·aRow + p·aCol,
  ;; B[p, j] at b + p·bRow + 4j, out[i, j] at out + i·outRow + 4j (strides in
  ;; bytes, so a band of a larger product's rows or columns is a product too);
  ;; bias is n values, or 0 for none.
  (func (export "gemm") (param $a i32) (param $b i32) (param $bias i32) (param $out i32)
                        (param $m i32) (param $k i32) (param $n i32)
                        (param $aRow i32) (param $aCol i32) (param $bRow i32) (param $outRow i32)
                        (param $relu i32)
    (local $i i32) (local $j i32) (local $m4 i32) (local $n8 i32) (local $floor v128)
    (local.set $floor
      (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $relu)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    ;; Groups of four rows: 4×8 tiles, then the last columns one at a time.
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m4)))
      (local.set $j (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $n8)))
        (call $tile4x8 (local.get $a) (local.get $b) (local.get $bias) (local.get $out)
          (local.get $i) (local.get $j) (local.get $k) (local.get $bRow) (local.get $outRow)
          (local.get $aRow) (local.get $aCol) (local.get $floor))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $cols)))
      (block $lastDone (loop $last
        (br_if $lastDone (i32.ge_u (local.get $j) (local.get $n)))
        (call $column4 (local.get $a) (local.get $b) (local.get $bias) (local.get $out)
          (local.get $i) (local.get $j) (local.get $k) (local.get $bRow) (local.get $outRow)
          (local.get $aRow) (local.get $aCol) (local.get $floor))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $last)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $rows)))
    ;; The last rows one at a time: 1×8 tiles, then single values.
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $j (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $n8)))
        (call $tile1x8 (local.get $a) (local.get $b) (local.get $bias) (local.get $out)
          (local.get $i) (local.get $j) (local.get $k) (local.get $bRow) (local.get $outRow)
          (local.get $aRow) (local.get $aCol) (local.get $floor))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $cols)))
      (block $lastDone (loop $last
        (br_if $lastDone (i32.ge_u (local.get $j) (local.get $n)))
        (call $single (local.get $a) (local.get $b) (local.get $bias) (local.get $out)
          (local.get $i) (local.get $j) (local.get $k) (local.get $bRow) (local.get $outRow)
          (local.get $aRow) (local.get $aCol) (local.get $floor))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $last)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

  ;; dst (cols×rows) = srcᵀ, src row-major rows×cols: B of a product by a
  ;; transposed matrix (gemm reads A through strides, but B row by row).
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $from i32) (local $to i32) (local $dstRowBytes i32)
    (local.set $dstRowBytes (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $from (local.get $src))
    (block $rowsDone (loop $rowsNext
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $to (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2))))
      (local.set $c (i32.const 0))
      (block $colsDone (loop $colsNext
        (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cols)))
        (i32.store (local.get $to) (i32.load (local.get $from)))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (local.set $to (i32.add (local.get $to) (local.get $dstRowBytes)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $colsNext)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsNext)))))
