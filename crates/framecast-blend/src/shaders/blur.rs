//! The motion-blur transitions, `whip-pan` and `cinematic-zoom`: many samples per pixel along
//! a line. Their sample positions are the same for every row (whip-pan) or separable into a
//! column part and a row part (zoom), so they run as loops over contiguous memory that the
//! compiler vectorises, on channel planes (`f32` for whip-pan, 16-bit fixed point for the
//! zoom).

use std::sync::Mutex;

use rayon::prelude::*;

use super::Ctx;
use crate::math::{floor, mix, round_small};
use crate::render::{Store, render_rows};
use crate::sample::{Coord, Source};

/// A horizontal sample at a fixed texel offset from the pixel: `floor` and fraction.
#[derive(Clone, Copy)]
struct Offset {
    whole: i64,
    frac: f32,
}

impl Offset {
    fn new(texels: f32) -> Offset {
        let whole = floor(texels);
        Offset {
            whole: whole as i64,
            frac: texels - whole,
        }
    }
}

/// Adds to `acc[x]` the sample of `row` at `x + offset`, clamped to the row's ends.
fn add_shifted(row: &[f32], offset: Offset, acc: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { add_shifted_avx2(row, offset, acc) };
    }
    add_shifted_generic(row, offset, acc);
}

/// [`add_shifted_generic`] compiled for AVX2: the same operations, eight lanes at a time.
/// Element-wise IEEE arithmetic gives the same bytes at any vector width.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_shifted_avx2(row: &[f32], offset: Offset, acc: &mut [f32]) {
    add_shifted_generic(row, offset, acc);
}

#[inline(always)]
fn add_shifted_generic(row: &[f32], offset: Offset, acc: &mut [f32]) {
    let width = row.len() as i64;
    // x < lo reads before the first texel, x >= hi at or past the last one.
    let lo = (-offset.whole).clamp(0, width) as usize;
    let hi = (width - 1 - offset.whole).clamp(lo as i64, width) as usize;
    let (first, last) = (row[0], row[row.len() - 1]);
    acc[..lo].iter_mut().for_each(|a| *a += first);
    acc[hi..].iter_mut().for_each(|a| *a += last);
    if lo < hi {
        let start = (lo as i64 + offset.whole) as usize;
        let a = &row[start..start + (hi - lo)];
        let b = &row[start + 1..start + 1 + (hi - lo)];
        let f = offset.frac;
        for ((acc, &a), &b) in acc[lo..hi].iter_mut().zip(a).zip(b) {
            *acc += a + (b - a) * f;
        }
    }
}

/// Scene A slides out to the left and scene B in from the right, each smeared by ten samples
/// along the motion.
pub(super) fn whip_pan<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let (p, w) = (c.p, c.width);
    let texels = w as f32;
    let from_off = p * 1.5;
    let to_off = (1.0 - p) * 1.5;
    let from_taps: Vec<Offset> = (0..10)
        .map(|i| Offset::new((from_off + p * 0.08 * (i as f32 / 10.0)) * texels))
        .collect();
    let to_taps: Vec<Offset> = (0..10)
        .map(|i| Offset::new(-(to_off + (1.0 - p) * 0.08 * (i as f32 / 10.0)) * texels))
        .collect();
    render_rows(
        out,
        w,
        #[inline(always)]
        |y, o, scratch| {
            let [row, acc_from, acc_to] = scratch.arrays(w);
            for (channel, out) in [&mut o.r, &mut o.g, &mut o.b].into_iter().enumerate() {
                acc_from.fill(0.0);
                acc_to.fill(0.0);
                c.from.channel_row(y, channel, row);
                for &tap in &from_taps {
                    add_shifted(row, tap, acc_from);
                }
                c.to.channel_row(y, channel, row);
                for &tap in &to_taps {
                    add_shifted(row, tap, acc_to);
                }
                for ((o, &f), &t) in out.iter_mut().zip(acc_from.iter()).zip(acc_to.iter()) {
                    *o = mix(f / 10.0, t / 10.0, p);
                }
            }
        },
    );
}

/// The zoom's texels and sums are 16-bit fixed point: a texel is its 0..=1 value in 1/4080ths
/// (an 8-bit channel times 16), so that the 12 samples of one scene's channel sum to at most
/// 48960 and fit in 16 bits, and vectors run sixteen lanes. Interpolation weights are Q15.
const TEXEL_ONE: f32 = 4080.0;

/// Linear interpolation in fixed point: `a + (b - a) * f / 32768`, rounded to nearest (ties
/// up), as `_mm256_mulhrs_epi16` computes it. Texels and the first pass's sums (of 4 texels)
/// are within 0..=16320, so nothing overflows.
#[inline(always)]
fn lerp_fixed(a: i16, b: i16, f: i16) -> i16 {
    let d = b.wrapping_sub(a) as i32 * f as i32;
    a.wrapping_add(((d + 0x4000) >> 15) as i16)
}

/// Columns `x .. x + 16` (or `+ 8`) whose samples lie between texels `x + delta` and
/// `x + delta + 1` (lanes whose bit in `shifted` is clear) or one texel further along the
/// tap's direction (bit set): the zoom moves a sample less than a texel per eight columns
/// (and less than two per sixteen), so one block needs only three overlapping loads per
/// source row and two blends.
#[derive(Clone, Copy)]
struct Block {
    x: usize,
    delta: i64,
    shifted: u16,
}

/// One sample per pixel of one of the zoom's two passes, as per-column positions.
struct ZoomTap {
    channel: usize,
    /// `v_uv' = v_uv + (v_uv - .5) * scale * f`: scale is negative for scene A (pulled in).
    scale: f32,
    f: f32,
    /// Each column's weight of the second texel, Q15.
    weights: Vec<i16>,
    /// +1 where the sample moves right faster than the column (zooming out), -1 otherwise.
    dir: i64,
    /// Blocks of sixteen columns, then of eight where sixteen do not fit.
    wide: Vec<Block>,
    narrow: Vec<Block>,
    /// Columns outside the blocks (clamped at the frame edge, or the last `width % 8`),
    /// sampled one by one.
    edges: Vec<(usize, Coord)>,
    /// Every column samples its own texel exactly (the first step, f = 0).
    identity: bool,
}

impl ZoomTap {
    fn new(channel: usize, scale: f32, f: f32, us: &[f32]) -> ZoomTap {
        let width = us.len();
        let coords: Vec<Coord> = us
            .iter()
            .map(|&u| Coord::from_uv(zoom_uv(u, scale, f), width))
            .collect();
        let dir: i64 = if scale * f < 0.0 { -1 } else { 1 };
        // The block of `lanes` columns from `x0`, if its samples fit one.
        let block = |x0: usize, lanes: usize| -> Option<Block> {
            let chunk = coords.get(x0..x0 + lanes)?;
            let delta = chunk[0].i0 as i64 - x0 as i64;
            let start = x0 as i64 + delta;
            let mut shifted = 0u16;
            let mut fits = start + dir.min(0) >= 0 && start + 1 + dir.max(0) + 16 <= width as i64;
            for (lane, coord) in chunk.iter().enumerate() {
                let d = coord.i0 as i64 - (x0 + lane) as i64;
                fits &= coord.i1 == coord.i0 + 1;
                if d == delta + dir {
                    shifted |= 1 << lane;
                } else {
                    fits &= d == delta;
                }
            }
            fits.then_some(Block {
                x: x0,
                delta,
                shifted,
            })
        };
        let (mut wide, mut narrow, mut edges) = (Vec::new(), Vec::new(), Vec::new());
        for x0 in (0..width).step_by(16) {
            if let Some(b) = block(x0, 16) {
                wide.push(b);
                continue;
            }
            for x in [x0, x0 + 8] {
                if let Some(b) = block(x, 8) {
                    narrow.push(b);
                } else {
                    let end = (x + 8).min(width);
                    edges.extend((x.min(end)..end).map(|x| (x, coords[x])));
                }
            }
        }
        let identity = coords
            .iter()
            .enumerate()
            .all(|(x, c)| c.i0 as usize == x && c.fixed == 0);
        ZoomTap {
            identity,
            channel,
            scale,
            f,
            weights: coords.iter().map(|c| (c.fixed << 7) as i16).collect(),
            dir,
            wide,
            narrow,
            edges,
        }
    }
}

/// The shader's `v_uv - d * s * f` (scene A) or `v_uv + d * s * f` (scene B), d = v_uv - .5.
#[inline(always)]
fn zoom_uv(t: f32, scale: f32, f: f32) -> f32 {
    t + ((t - 0.5) * scale) * f
}

/// Both scenes blurred radially from the centre, with red, green and blue blurred by slightly
/// different amounts, crossfading.
///
/// The shader averages 12 samples at `c + d * (1 + s * i / 12)` (i = 0 .. 12, c the centre, d
/// the pixel's offset from it). Here that blur is computed in two passes: the first sums 4
/// samples at `1 + s * i / 12` (i = 0 .. 4) of the scene into a plane, the second 3 samples of
/// that plane at `1 + s * (4j + 1.5) / 12` relative to the first pass's mean `1 + s * 1.5 / 12`
/// (j = 0 .. 3): the same 12 scale factors to within `(s / 12)^2 * 12`, a fraction of a texel
/// even at the frame corners, with 42 samples (12 of them the texel itself) instead of 72.
pub(super) fn cinematic_zoom<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let p = c.p;
    let (w, h) = (c.width, c.height);
    let from_s = p * 0.08;
    let to_s = (1.0 - p) * 0.06;
    // Per scene and channel: the scale `s` (negative for scene A, pulled in).
    let mut scales = [[0.0f32; 3]; 2];
    for (scene, s) in [(0, -from_s), (1, to_s)] {
        for (channel, k) in [(0, 1.06), (1, 1.0), (2, 0.94)] {
            // Green's `d * s * f` has no channel factor; keep the shader's products.
            scales[scene][channel] = if channel == 1 { s } else { s * k };
        }
    }
    let first: Vec<ZoomTap> = (0..6)
        .flat_map(|plane| {
            let (scene, channel) = (plane / 3, plane % 3);
            let scale = scales[scene][channel];
            let us = &c.us;
            (0..4).map(move |i| ZoomTap::new(channel, scale, i as f32 / 12.0, us))
        })
        .collect();
    let second: Vec<ZoomTap> = (0..6)
        .flat_map(|plane| {
            let (scene, channel) = (plane / 3, plane % 3);
            let scale = scales[scene][channel];
            let mean = 1.0 + scale * (1.5 / 12.0);
            (0..3).map(move |j| {
                let relative = (1.0 + scale * ((4 * j) as f32 + 1.5) / 12.0) / mean - 1.0;
                ZoomTap::new(channel, relative, 1.0, &c.us)
            })
        })
        .collect();
    let sources = [planes(c.from), planes(c.to)];
    let mut sums = [take_buffer(w * h * 3), take_buffer(w * h * 3)];
    for (scene, sums) in sums.iter_mut().enumerate() {
        let taps = &first[scene * 12..(scene + 1) * 12];
        let source = &sources[scene];
        sums.par_chunks_mut(w).enumerate().for_each(|(k, row)| {
            let (channel, y) = (k / h, k % h);
            with_avx2(
                #[inline(always)]
                || {
                    sum_zoom_taps(&taps[channel * 4..(channel + 1) * 4], source, w, h, y, row);
                },
            );
        });
    }
    let [from_planes, to_planes] = sources;
    give_back(from_planes);
    give_back(to_planes);
    let sum_to_unit = 1.0 / (12.0 * TEXEL_ONE);
    render_rows(
        out,
        w,
        #[inline(always)]
        |y, o, scratch| {
            let [from_acc, to_acc] = scratch.short_arrays(w);
            for (channel, out) in [&mut o.r, &mut o.g, &mut o.b].into_iter().enumerate() {
                for (scene, acc) in [&mut *from_acc, &mut *to_acc].into_iter().enumerate() {
                    let plane = scene * 3 + channel;
                    let taps = &second[plane * 3..(plane + 1) * 3];
                    sum_zoom_taps(taps, &sums[scene], w, h, y, acc);
                }
                for ((o, &f), &t) in out.iter_mut().zip(&*from_acc).zip(&*to_acc) {
                    let (f, t) = (f as u16 as f32, t as u16 as f32);
                    *o = mix(f * sum_to_unit, t * sum_to_unit, p);
                }
            }
        },
    );
    let [from_sums, to_sums] = sums;
    give_back(from_sums);
    give_back(to_sums);
}

/// Writes to `acc` the sum of the samples of `taps` (all of one scene and channel) of row `y`,
/// from the scene's three fixed-point planes `planes` of `w` x `h`: the wrapping sum from zero,
/// without clearing `acc` first. A first tap that reads the texels themselves (the blur's
/// centre sample) is not copied: the next tap writes its samples onto them.
#[inline(always)]
fn sum_zoom_taps(taps: &[ZoomTap], planes: &[i16], w: usize, h: usize, y: usize, acc: &mut [i16]) {
    let v = (y as f32 + 0.5) / h as f32;
    // The first tap's texels, when it reads them unfiltered, until the next tap adds to them.
    let mut pending: Option<&[i16]> = None;
    for (k, tap) in taps.iter().enumerate() {
        let plane = &planes[tap.channel * w * h..(tap.channel + 1) * w * h];
        let ry = Coord::from_uv(zoom_uv(v, tap.scale, tap.f), h);
        let r0 = &plane[ry.i0 as usize * w..(ry.i0 as usize + 1) * w];
        let r1 = &plane[ry.i1 as usize * w..(ry.i1 as usize + 1) * w];
        // With zero weights the filter gives the texels themselves, exactly.
        let unfiltered = tap.identity && ry.fixed == 0;
        if k == 0 && unfiltered {
            pending = Some(r0);
            continue;
        }
        let sum = match pending.take() {
            Some(base) => Sum::Onto(base),
            None if k == 0 => Sum::Store,
            None => Sum::Add,
        };
        if unfiltered {
            for (x, (acc, &texel)) in acc.iter_mut().zip(r0).enumerate() {
                *acc = sum.at(x, *acc, texel);
            }
        } else {
            add_zoom_tap(tap, r0, r1, (ry.fixed << 7) as i16, sum, acc);
        }
    }
    if let Some(base) = pending {
        acc[..w].copy_from_slice(base);
    }
}

/// Where a tap's samples go.
#[derive(Clone, Copy)]
enum Sum<'a> {
    /// `acc[x] = sample`.
    Store,
    /// `acc[x] += sample`.
    Add,
    /// `acc[x] = row[x] + sample`.
    Onto(&'a [i16]),
}

impl Sum<'_> {
    /// The value column `x` receives, where it holds `acc`.
    #[inline(always)]
    fn at(self, x: usize, acc: i16, sample: i16) -> i16 {
        match self {
            Sum::Store => sample,
            Sum::Add => acc.wrapping_add(sample),
            Sum::Onto(row) => row[x].wrapping_add(sample),
        }
    }
}

/// Writes the tap's bilinear sample for every column `x` of the row whose source rows are `r0`
/// and `r1` (`fy` the Q15 weight of `r1`) into `acc[x]` as `sum` says: a vectorised loop per
/// run of columns, then the edge columns. The runs and edges cover every column once.
fn add_zoom_tap(tap: &ZoomTap, r0: &[i16], r1: &[i16], fy: i16, sum: Sum, acc: &mut [i16]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && !crate::render::portable_only() {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { add_zoom_tap_avx2(tap, r0, r1, fy, sum, acc) };
    }
    add_zoom_tap_generic(tap, r0, r1, fy, sum, acc);
}

/// The portable definition: each column of each block on its own.
fn add_zoom_tap_generic(tap: &ZoomTap, r0: &[i16], r1: &[i16], fy: i16, sum: Sum, acc: &mut [i16]) {
    let wide = tap.wide.iter().map(|b| (b, 16));
    for (block, lanes) in wide.chain(tap.narrow.iter().map(|b| (b, 8))) {
        for lane in 0..lanes {
            let x = block.x + lane;
            let shift = if block.shifted >> lane & 1 == 1 {
                tap.dir
            } else {
                0
            };
            let i0 = (x as i64 + block.delta + shift) as usize;
            let fx = tap.weights[x];
            let top = lerp_fixed(r0[i0], r0[i0 + 1], fx);
            let bottom = lerp_fixed(r1[i0], r1[i0 + 1], fx);
            acc[x] = sum.at(x, acc[x], lerp_fixed(top, bottom, fy));
        }
    }
    add_zoom_edges(tap, r0, r1, fy, sum, acc);
}

#[inline(always)]
fn add_zoom_edges(tap: &ZoomTap, r0: &[i16], r1: &[i16], fy: i16, sum: Sum, acc: &mut [i16]) {
    for &(x, coord) in &tap.edges {
        let (i0, i1) = (coord.i0 as usize, coord.i1 as usize);
        let fx = (coord.fixed << 7) as i16;
        let top = lerp_fixed(r0[i0], r0[i1], fx);
        let bottom = lerp_fixed(r1[i0], r1[i1], fx);
        acc[x] = sum.at(x, acc[x], lerp_fixed(top, bottom, fy));
    }
}

/// [`add_zoom_tap_generic`] sixteen (or eight) columns at a time: the same integer
/// operations on the same values (a blend only picks which texel a lane reads), so the same
/// bits (tested).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_zoom_tap_avx2(
    tap: &ZoomTap,
    r0: &[i16],
    r1: &[i16],
    fy: i16,
    sum: Sum,
    acc: &mut [i16],
) {
    use std::arch::x86_64::*;
    let width = r0.len();
    assert!(r1.len() == width && acc.len() >= width && tap.weights.len() >= width);
    if let Sum::Onto(row) = sum {
        assert!(row.len() >= width);
    }
    // `ZoomTap::new` made blocks whose reads r[s .. s + 17] and r[t .. t + 17] and columns
    // x .. x + lanes lie inside the row; checked again here, as the loads rely on it.
    let offsets = |block: &Block, lanes: usize| {
        let s = (block.x as i64 + block.delta) as usize;
        let t = (s as i64 + tap.dir) as usize;
        assert!(s.max(t) + 17 <= width && block.x + lanes <= width);
        (s, t)
    };
    // SAFETY: the indices are in bounds (asserted in `offsets`); AVX2 is enabled.
    unsafe {
        let fy_wide = _mm256_set1_epi16(fy);
        let bits_wide = _mm256_setr_epi16(
            1,
            2,
            4,
            8,
            16,
            32,
            64,
            128,
            256,
            512,
            1024,
            2048,
            4096,
            8192,
            16384,
            i16::MIN,
        );
        let lerp = |a: __m256i, b: __m256i, f: __m256i| {
            _mm256_add_epi16(a, _mm256_mulhrs_epi16(_mm256_sub_epi16(b, a), f))
        };
        for block in &tap.wide {
            let (s, t) = offsets(block, 16);
            let x = block.x;
            let load = |row: &[i16], i: usize| _mm256_loadu_si256(row.as_ptr().add(i).cast());
            let bits = _mm256_and_si256(_mm256_set1_epi16(block.shifted as i16), bits_wide);
            let mask = _mm256_cmpeq_epi16(bits, bits_wide);
            let fx = _mm256_loadu_si256(tap.weights.as_ptr().add(x).cast());
            let filter = |row: &[i16]| {
                let a = _mm256_blendv_epi8(load(row, s), load(row, t), mask);
                let b = _mm256_blendv_epi8(load(row, s + 1), load(row, t + 1), mask);
                lerp(a, b, fx)
            };
            let value = lerp(filter(r0), filter(r1), fy_wide);
            let out: *mut __m256i = acc.as_mut_ptr().add(x).cast();
            let total = match sum {
                Sum::Store => value,
                Sum::Add => _mm256_add_epi16(_mm256_loadu_si256(out), value),
                Sum::Onto(row) => _mm256_add_epi16(load(row, x), value),
            };
            _mm256_storeu_si256(out, total);
        }
        let fy_narrow = _mm_set1_epi16(fy);
        let bits_narrow = _mm_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128);
        let lerp = |a: __m128i, b: __m128i, f: __m128i| {
            _mm_add_epi16(a, _mm_mulhrs_epi16(_mm_sub_epi16(b, a), f))
        };
        for block in &tap.narrow {
            let (s, t) = offsets(block, 8);
            let x = block.x;
            let load = |row: &[i16], i: usize| _mm_loadu_si128(row.as_ptr().add(i).cast());
            let bits = _mm_and_si128(_mm_set1_epi16(block.shifted as i16), bits_narrow);
            let mask = _mm_cmpeq_epi16(bits, bits_narrow);
            let fx = _mm_loadu_si128(tap.weights.as_ptr().add(x).cast());
            let filter = |row: &[i16]| {
                let a = _mm_blendv_epi8(load(row, s), load(row, t), mask);
                let b = _mm_blendv_epi8(load(row, s + 1), load(row, t + 1), mask);
                lerp(a, b, fx)
            };
            let value = lerp(filter(r0), filter(r1), fy_narrow);
            let out: *mut __m128i = acc.as_mut_ptr().add(x).cast();
            let total = match sum {
                Sum::Store => value,
                Sum::Add => _mm_add_epi16(_mm_loadu_si128(out), value),
                Sum::Onto(row) => _mm_add_epi16(load(row, x), value),
            };
            _mm_storeu_si128(out, total);
        }
    }
    add_zoom_edges(tap, r0, r1, fy, sum, acc);
}

/// The frame as three fixed-point planes (see [`TEXEL_ONE`]), R then G then B, in a buffer
/// from [`PLANE_BUFFERS`].
fn planes<S: Source>(source: &S) -> Vec<i16> {
    let (w, h) = (source.width(), source.height());
    let mut planes = take_buffer(w * h * 3);
    let (r, gb) = planes.split_at_mut(w * h);
    let (g, b) = gb.split_at_mut(w * h);
    r.par_chunks_mut(w)
        .zip(g.par_chunks_mut(w))
        .zip(b.par_chunks_mut(w))
        .enumerate()
        .for_each_init(
            || vec![0.0; w],
            |row, (y, ((r, g), b))| {
                with_avx2(
                    #[inline(always)]
                    || {
                        for (channel, plane) in [r, g, b].into_iter().enumerate() {
                            source.channel_row(y, channel, row);
                            for (t, &v) in plane.iter_mut().zip(row.iter()) {
                                // Not `clamp`, which keeps NaN.
                                let v = if v > 0.0 { v.min(1.0) } else { 0.0 };
                                *t = round_small(v * TEXEL_ONE).1 as i16;
                            }
                        }
                    },
                );
            },
        );
    planes
}

/// Runs `f`, compiled for AVX2 where the CPU has it (mark the closure `#[inline(always)]`):
/// its loops then run eight or sixteen lanes at a time. Integer and element-wise IEEE
/// arithmetic (no fused multiply-add, which AVX2 does not include) give the same bits.
#[inline(always)]
fn with_avx2(f: impl FnOnce()) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && !crate::render::portable_only() {
        #[target_feature(enable = "avx2")]
        unsafe fn run(f: impl FnOnce()) {
            f();
        }
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { run(f) };
    }
    f();
}

/// Plane buffers kept between frames: allocating a 1080p frame's planes afresh for every
/// frame cost more in page faults than the blur itself.
static PLANE_BUFFERS: Mutex<Vec<Vec<i16>>> = Mutex::new(Vec::new());

/// A buffer of `len` values with unspecified contents.
fn take_buffer(len: usize) -> Vec<i16> {
    let mut buffer = PLANE_BUFFERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .pop()
        .unwrap_or_default();
    buffer.resize(len, 0);
    buffer
}

/// Returns a buffer for a later frame; four are kept (a scene's planes and its first pass's
/// sums, per scene).
fn give_back(buffer: Vec<i16>) {
    let mut buffers = PLANE_BUFFERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if buffers.len() < 4 {
        buffers.push(buffer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise_row(len: usize, seed: u32) -> Vec<f32> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1 << 24) as f32
            })
            .collect()
    }

    #[test]
    fn a_sum_of_taps_is_each_tap_added_to_zeros() {
        let (w, h) = (97, 41);
        let us: Vec<f32> = (0..w).map(|x| (x as f32 + 0.5) / w as f32).collect();
        let planes: Vec<i16> = noise_row(w * h * 3, 6)
            .iter()
            .map(|&v| (v * TEXEL_ONE) as i16)
            .collect();
        let tap_sets = [
            // The first pass: the texels themselves first, then three zoomed samples.
            (0..4)
                .map(|i| ZoomTap::new(1, -0.08, i as f32 / 12.0, &us))
                .collect::<Vec<_>>(),
            // No zoom at all: every tap the texels themselves.
            (0..3).map(|_| ZoomTap::new(2, 0.0, 1.0, &us)).collect(),
            // The second pass: every tap filtered.
            [0.01, 0.03, 0.05]
                .map(|scale| ZoomTap::new(0, scale, 1.0, &us))
                .into(),
            // One tap alone, the texels themselves.
            vec![ZoomTap::new(0, 0.0, 0.0, &us)],
        ];
        for taps in &tap_sets {
            for y in [0, 7, 20, h - 1] {
                let v = (y as f32 + 0.5) / h as f32;
                let mut expected = vec![0i16; w];
                for tap in taps {
                    let plane = &planes[tap.channel * w * h..][..w * h];
                    let ry = Coord::from_uv(zoom_uv(v, tap.scale, tap.f), h);
                    let r0 = &plane[ry.i0 as usize * w..][..w];
                    let r1 = &plane[ry.i1 as usize * w..][..w];
                    let fy = (ry.fixed << 7) as i16;
                    add_zoom_tap_generic(tap, r0, r1, fy, Sum::Add, &mut expected);
                }
                // Whatever the row held before.
                let mut summed = vec![-1234i16; w];
                sum_zoom_taps(taps, &planes, w, h, y, &mut summed);
                assert_eq!(summed, expected, "{} taps, row {y}", taps.len());
            }
        }
    }

    #[test]
    fn the_vectorised_paths_equal_the_portable_ones() {
        let width = 333;
        let us: Vec<f32> = (0..width)
            .map(|x| (x as f32 + 0.5) / width as f32)
            .collect();
        let (r0, r1) = (noise_row(width, 1), noise_row(width, 2));
        let texels =
            |row: &[f32]| -> Vec<i16> { row.iter().map(|&v| (v * TEXEL_ONE) as i16).collect() };
        let (t0, t1) = (texels(&r0), texels(&r1));
        for texels in [-400.5, -17.25, -0.7, 0.0, 3.3, 150.9, 332.0, 600.0] {
            let offset = Offset::new(texels);
            let (mut fast, mut portable) = (noise_row(width, 3), noise_row(width, 3));
            add_shifted(&r0, offset, &mut fast);
            add_shifted_generic(&r0, offset, &mut portable);
            assert_eq!(fast, portable, "{texels}");
        }
        for scale in [-0.0848, -0.02, 0.03, 0.0636] {
            for f in [0.0, 5.0 / 12.0, 11.0 / 12.0] {
                let tap = ZoomTap::new(0, scale, f, &us);
                let acc = texels(&noise_row(width, 4));
                let base = texels(&noise_row(width, 5));
                let added = |sum: Sum| {
                    let mut summed = match sum {
                        Sum::Add => acc.clone(),
                        Sum::Store => vec![0; width],
                        Sum::Onto(row) => row.to_vec(),
                    };
                    add_zoom_tap_generic(&tap, &t0, &t1, 12288, Sum::Add, &mut summed);
                    summed
                };
                for sum in [Sum::Add, Sum::Store, Sum::Onto(&base)] {
                    // The AVX2 and portable paths agree, and storing is adding to zeros, and
                    // writing onto a row is adding to a copy of it, whatever `acc` held.
                    let (mut fast, mut portable) = (acc.clone(), acc.clone());
                    add_zoom_tap(&tap, &t0, &t1, 12288, sum, &mut fast);
                    add_zoom_tap_generic(&tap, &t0, &t1, 12288, sum, &mut portable);
                    assert_eq!(fast, portable, "{scale} {f}");
                    assert_eq!(portable, added(sum), "{scale} {f}");
                }
            }
        }
    }
}
