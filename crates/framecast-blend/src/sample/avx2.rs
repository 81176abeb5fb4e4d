//! Bilinear sampling of an 8-bit frame eight positions at a time with AVX2 gathers. The
//! filter is the integer one of [`Rgba8::sample_at_scalar`]: every product and sum is an
//! integer below 2^24, exact in `f32` whatever the order, and the one rounding is the final
//! scaling, as in the SSE2 path, so the results are the same bits (tested).

use std::arch::x86_64::*;

use super::{FIXED_TO_UNIT, Rgba8};

/// How many rows below a sample to prefetch (measured at 1080p: 2 to 6 rows halve the
/// time `domain-warp` spends sampling, 4 best by a little).
const PREFETCH_ROWS: i32 = 4;

/// Samples channels `channels` of `frame` at the packed positions `(xs[i], ys[i])` into
/// `planes`, eight at a time; returns how many positions it did (the rest, fewer than
/// eight, are left to the caller). All slices have the same length. `SCATTERED` skips
/// the run test and the look-ahead below, for samples that go their own ways.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn gather<const N: usize, const SCATTERED: bool>(
    frame: &Rgba8,
    xs: &[f32],
    ys: &[f32],
    channels: [usize; N],
    mut planes: [&mut [f32]; N],
) -> usize {
    let n = xs.len();
    assert!(ys.len() == n && planes.iter().all(|p| p.len() == n));
    assert!(channels.iter().all(|&c| c < 4));
    let (w, h) = (frame.width, frame.height);
    assert!(frame.data.len() == w * h * 4 && w * h <= i32::MAX as usize);
    let base = frame.data.as_ptr().cast::<i32>();
    let x_last = _mm256_set1_epi32(w as i32 - 1);
    let y_last = _mm256_set1_epi32(h as i32 - 1);
    let width = _mm256_set1_epi32(w as i32);
    let one = _mm256_set1_epi32(1);
    let low_byte = _mm256_set1_epi32(0xFF);
    let full = _mm256_set1_ps(256.0);
    let unit = _mm256_set1_ps(FIXED_TO_UNIT);
    let prefetch_rows = _mm256_set1_epi32(PREFETCH_ROWS * w as i32);
    let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let last_texel = _mm256_set1_epi32((w * h - 1) as i32);
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY (whole block): loads and stores are of xs, ys and planes at i..i + 8,
        // inside their length n; gather indices are texels clamped into the frame.
        unsafe {
            let px = _mm256_loadu_si256(xs.as_ptr().add(i).cast());
            let py = _mm256_loadu_si256(ys.as_ptr().add(i).cast());
            // Coord::from_packed, with i0 also clamped (it already is for packed input).
            let x0 = _mm256_min_epu32(_mm256_srli_epi32::<8>(px), x_last);
            let x1 = _mm256_min_epu32(_mm256_add_epi32(x0, one), x_last);
            let y0 = _mm256_min_epu32(_mm256_srli_epi32::<8>(py), y_last);
            let y1 = _mm256_min_epu32(_mm256_add_epi32(y0, one), y_last);
            // -1 in the lanes whose sample is on the last column. Such a sample's weight
            // on its right-hand texel is 0 and both its texels are the last column's, so
            // moving the weight 256 to the right-hand texel computes the same integers.
            let on_last_column = _mm256_cmpeq_epi32(x0, x_last);
            let row0 = _mm256_mullo_epi32(y0, width);
            let row1 = _mm256_mullo_epi32(y1, width);
            // Eight samples on one row, one texel apart and clear of the last column (a
            // row shifted sideways): their texels are two runs of nine, read directly.
            let first_x = _mm256_cvtsi256_si32(x0) as u32 as usize;
            let in_line = _mm256_and_si256(
                _mm256_cmpeq_epi32(
                    x0,
                    _mm256_add_epi32(_mm256_set1_epi32(first_x as i32), lanes),
                ),
                _mm256_cmpeq_epi32(y0, _mm256_broadcastd_epi32(_mm256_castsi256_si128(y0))),
            );
            let (p00, p10, p01, p11) =
                if !SCATTERED && _mm256_movemask_epi8(in_line) == -1 && first_x + 8 < w {
                    let top = base.add(_mm256_cvtsi256_si32(row0) as u32 as usize + first_x);
                    let bottom = base.add(_mm256_cvtsi256_si32(row1) as u32 as usize + first_x);
                    (
                        _mm256_loadu_si256(top.cast()),
                        _mm256_loadu_si256(top.add(1).cast()),
                        _mm256_loadu_si256(bottom.cast()),
                        _mm256_loadu_si256(bottom.add(1).cast()),
                    )
                } else if w >= 2 {
                    // Each texel with its right-hand neighbour, 64 bits at a time: half the
                    // gathered elements. A sample on the last column reads the pair one
                    // column to its left with all the weight on the right texel (see `fx`).
                    let pair_x = _mm256_add_epi32(x0, on_last_column);
                    let (p00, p10) = gather_pairs(base, _mm256_add_epi32(row0, pair_x));
                    let (p01, p11) = gather_pairs(base, _mm256_add_epi32(row1, pair_x));
                    (p00, p10, p01, p11)
                } else {
                    (
                        _mm256_i32gather_epi32::<4>(base, _mm256_add_epi32(row0, x0)),
                        _mm256_i32gather_epi32::<4>(base, _mm256_add_epi32(row0, x1)),
                        _mm256_i32gather_epi32::<4>(base, _mm256_add_epi32(row1, x0)),
                        _mm256_i32gather_epi32::<4>(base, _mm256_add_epi32(row1, x1)),
                    )
                };
            // The texel a few rows below the first sample, which the next rows' samples
            // will read where the displacement changes slowly down the frame (most
            // transitions): sampling is otherwise bound on waiting for exactly those
            // cache lines. A prefetch changes no result.
            let next = _mm256_add_epi32(_mm256_add_epi32(row1, x0), prefetch_rows);
            let next = _mm256_min_epu32(next, last_texel);
            let texel = _mm256_cvtsi256_si32(next) as u32 as usize;
            if !SCATTERED {
                _mm_prefetch::<_MM_HINT_T0>(frame.data.as_ptr().add(texel * 4).cast());
            }
            let fx_int = _mm256_blendv_epi8(
                _mm256_and_si256(px, low_byte),
                _mm256_set1_epi32(256),
                on_last_column,
            );
            let fx = _mm256_cvtepi32_ps(fx_int);
            let fy = _mm256_cvtepi32_ps(_mm256_and_si256(py, low_byte));
            let (gx, gy) = (_mm256_sub_ps(full, fx), _mm256_sub_ps(full, fy));
            if channels.len() == 3 && channels == [0, 1, 2][..] {
                // Red, green and blue at once: filter each row horizontally in 16-bit lanes
                // (a texel times a weight of at most 256 fits), two channels per 32-bit
                // lane, then the two rows vertically in floats. The same integers as the
                // four-weight sum below, so the same bits.
                let [r, g, b] = rgb_rows(p00, p10, p01, p11, fx_int);
                for (plane, (top, bottom)) in planes.iter_mut().zip([r, g, b]) {
                    let sum = _mm256_add_ps(_mm256_mul_ps(top, gy), _mm256_mul_ps(bottom, fy));
                    _mm256_storeu_ps(plane.as_mut_ptr().add(i), _mm256_mul_ps(sum, unit));
                }
                i += 8;
                continue;
            }
            let w00 = _mm256_mul_ps(gx, gy);
            let w10 = _mm256_mul_ps(fx, gy);
            let w01 = _mm256_mul_ps(gx, fy);
            let w11 = _mm256_mul_ps(fx, fy);
            for (plane, &channel) in planes.iter_mut().zip(&channels) {
                let texel = |p: __m256i| {
                    let shifted = _mm256_srlv_epi32(p, _mm256_set1_epi32(channel as i32 * 8));
                    _mm256_cvtepi32_ps(_mm256_and_si256(shifted, low_byte))
                };
                let top = _mm256_add_ps(
                    _mm256_mul_ps(texel(p00), w00),
                    _mm256_mul_ps(texel(p10), w10),
                );
                let bottom = _mm256_add_ps(
                    _mm256_mul_ps(texel(p01), w01),
                    _mm256_mul_ps(texel(p11), w11),
                );
                let value = _mm256_mul_ps(_mm256_add_ps(top, bottom), unit);
                _mm256_storeu_ps(plane.as_mut_ptr().add(i), value);
            }
        }
        i += 8;
    }
    i
}

/// Each row of eight bilinear samples filtered horizontally: for red, green and blue,
/// `(top, bottom)` with `top = p00 * (256 - fx) + p10 * fx` (and `bottom` likewise from
/// `p01` and `p11`) as exact integers in floats, below 255 * 256.
#[target_feature(enable = "avx2")]
#[inline]
fn rgb_rows(
    p00: __m256i,
    p10: __m256i,
    p01: __m256i,
    p11: __m256i,
    fx: __m256i,
) -> [(__m256, __m256); 3] {
    let pairs = _mm256_set1_epi32(0x00FF_00FF);
    // fx and 256 - fx in both 16-bit halves of each lane.
    let fx = _mm256_or_si256(fx, _mm256_slli_epi32::<16>(fx));
    let gx = _mm256_sub_epi16(_mm256_set1_epi32(0x0100_0100), fx);
    // Red and blue (or green and alpha) of a row, each weighted in its own 16 bits.
    let row = |left: __m256i, right: __m256i, shift: bool| {
        let (left, right) = if shift {
            (_mm256_srli_epi32::<8>(left), _mm256_srli_epi32::<8>(right))
        } else {
            (left, right)
        };
        _mm256_add_epi16(
            _mm256_mullo_epi16(_mm256_and_si256(left, pairs), gx),
            _mm256_mullo_epi16(_mm256_and_si256(right, pairs), fx),
        )
    };
    let (rb_top, rb_bottom) = (row(p00, p10, false), row(p01, p11, false));
    let (ga_top, ga_bottom) = (row(p00, p10, true), row(p01, p11, true));
    let low = |v: __m256i| _mm256_cvtepi32_ps(_mm256_and_si256(v, _mm256_set1_epi32(0xFFFF)));
    let high = |v: __m256i| _mm256_cvtepi32_ps(_mm256_srli_epi32::<16>(v));
    [
        (low(rb_top), low(rb_bottom)),
        (low(ga_top), low(ga_bottom)),
        (high(rb_top), high(rb_bottom)),
    ]
}

/// The texel at each of the eight indices and the texel to its right, as two vectors.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn gather_pairs(base: *const i32, texels: __m256i) -> (__m256i, __m256i) {
    // SAFETY: the caller's indices are texels of the frame not on its last column, so
    // each 64-bit read stays in the frame.
    unsafe {
        let base = base.cast::<i64>();
        let low = _mm256_i32gather_epi64::<4>(base, _mm256_castsi256_si128(texels));
        let high = _mm256_i32gather_epi64::<4>(base, _mm256_extracti128_si256::<1>(texels));
        // [l0 r0 l1 r1 ...] to [l0 l1 l2 l3 r0 r1 r2 r3].
        let split = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
        let (low, high) = (
            _mm256_permutevar8x32_epi32(low, split),
            _mm256_permutevar8x32_epi32(high, split),
        );
        (
            _mm256_permute2x128_si256::<0x20>(low, high),
            _mm256_permute2x128_si256::<0x31>(low, high),
        )
    }
}
