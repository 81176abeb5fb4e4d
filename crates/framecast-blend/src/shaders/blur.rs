//! The motion-blur transitions, `whip-pan` and `cinematic-zoom`: many samples per pixel along
//! a line. Their sample positions are the same for every row (whip-pan) or separable into a
//! column part and a row part (zoom), so they run as loops over contiguous memory that the
//! compiler vectorises, on `f32` channel planes.

use std::sync::Mutex;

use rayon::prelude::*;

use super::Ctx;
use crate::math::{floor, mix};
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

/// Eight columns `8 * index ..` whose samples lie between texels `x + delta` and
/// `x + delta + 1` (lanes whose bit in `shifted` is clear) or one texel further along the
/// tap's direction (bit set): the zoom moves a sample less than a texel per column, so one
/// block needs only three overlapping loads per source row and two blends.
#[derive(Clone, Copy)]
struct Block {
    index: usize,
    delta: i64,
    shifted: u8,
}

/// One of the zoom's 72 samples (2 scenes x 3 channels x 12 steps), as per-column positions.
struct ZoomTap {
    scene: usize,
    channel: usize,
    /// `v_uv' = v_uv + (v_uv - .5) * scale * f`: scale is negative for scene A (pulled in).
    scale: f32,
    f: f32,
    /// Each column's weight of the second texel in 1/256ths: bytes, so that the 72 taps'
    /// tables stay in the L2 cache across rows.
    weights: Vec<u8>,
    /// +1 where the sample moves right faster than the column (zooming out), -1 otherwise.
    dir: i64,
    blocks: Vec<Block>,
    /// Columns outside the blocks (clamped at the frame edge, or the last `width % 8`),
    /// sampled one by one.
    edges: Vec<(usize, Coord)>,
    /// Every column samples its own texel exactly (the first step, f = 0).
    identity: bool,
}

impl ZoomTap {
    fn new(scene: usize, channel: usize, scale: f32, f: f32, us: &[f32]) -> ZoomTap {
        let width = us.len();
        let coords: Vec<Coord> = us
            .iter()
            .map(|&u| Coord::from_uv(zoom_uv(u, scale, f), width))
            .collect();
        let dir: i64 = if scale * f < 0.0 { -1 } else { 1 };
        let mut blocks = Vec::new();
        let mut edges = Vec::new();
        for (index, chunk) in coords.chunks(8).enumerate() {
            let x0 = index * 8;
            let delta = chunk[0].i0 as i64 - x0 as i64;
            let start = x0 as i64 + delta;
            let mut shifted = 0u8;
            let mut fits = chunk.len() == 8
                && start + dir.min(0) >= 0
                && start + 1 + dir.max(0) + 8 <= width as i64;
            for (lane, coord) in chunk.iter().enumerate() {
                let d = coord.i0 as i64 - (x0 + lane) as i64;
                fits &= coord.i1 == coord.i0 + 1;
                if d == delta + dir {
                    shifted |= 1 << lane;
                } else {
                    fits &= d == delta;
                }
            }
            if fits {
                blocks.push(Block {
                    index,
                    delta,
                    shifted,
                });
            } else {
                edges.extend(chunk.iter().enumerate().map(|(lane, &c)| (x0 + lane, c)));
            }
        }
        let identity = coords
            .iter()
            .enumerate()
            .all(|(x, c)| c.i0 as usize == x && c.fixed == 0);
        ZoomTap {
            identity,
            scene,
            channel,
            scale,
            f,
            weights: coords.iter().map(|c| c.fixed as u8).collect(),
            dir,
            blocks,
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
pub(super) fn cinematic_zoom<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let p = c.p;
    let (w, h) = (c.width, c.height);
    let from_s = p * 0.08;
    let to_s = (1.0 - p) * 0.06;
    let mut taps = Vec::with_capacity(72);
    // Grouped by scene and channel, steps in order: each accumulator's sums are the shader's,
    // and one accumulator row and the nearby source rows its 12 steps read stay in the L1
    // cache together.
    for (scene, s) in [(0, -from_s), (1, to_s)] {
        for (channel, k) in [(0, 1.06), (1, 1.0), (2, 0.94)] {
            for step in 0..12 {
                let f = step as f32 / 12.0;
                // Green's `d * s * f` has no channel factor; keep the shader's products.
                let scale = if channel == 1 { s } else { s * k };
                taps.push(ZoomTap::new(scene, channel, scale, f, &c.us));
            }
        }
    }
    let planes = [planes(c.from), planes(c.to)];
    render_rows(
        out,
        w,
        #[inline(always)]
        |y, o, scratch| {
            let mut acc: [&mut [f32]; 6] = scratch.arrays(w);
            let v = c.v(y);
            for tap in &taps {
                let plane = &planes[tap.scene][tap.channel * w * h..(tap.channel + 1) * w * h];
                let ry = Coord::from_uv(zoom_uv(v, tap.scale, tap.f), h);
                let r0 = &plane[ry.i0 as usize * w..(ry.i0 as usize + 1) * w];
                let r1 = &plane[ry.i1 as usize * w..(ry.i1 as usize + 1) * w];
                let acc = &mut *acc[tap.scene * 3 + tap.channel];
                if tap.identity && ry.fixed == 0 {
                    // The filter's arithmetic with zero weights gives the texel itself, exactly.
                    for (acc, &texel) in acc.iter_mut().zip(r0) {
                        *acc += texel;
                    }
                } else {
                    add_zoom_tap(tap, r0, r1, ry.frac(), acc);
                }
            }
            let [fr, fg, fb, tr, tg, tb] = &mut acc;
            for (out, f, t) in [(&mut o.r, fr, tr), (&mut o.g, fg, tg), (&mut o.b, fb, tb)] {
                for ((o, &f), &t) in out.iter_mut().zip(f.iter()).zip(t.iter()) {
                    *o = mix(f / 12.0, t / 12.0, p);
                }
            }
        },
    );
    let [from_planes, to_planes] = planes;
    give_back(from_planes);
    give_back(to_planes);
}

/// Adds to `acc[x]` the tap's bilinear sample for every column `x` of the row whose source
/// rows are `r0` and `r1`: a vectorised loop per run of columns, then the edge columns.
fn add_zoom_tap(tap: &ZoomTap, r0: &[f32], r1: &[f32], fy: f32, acc: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { add_zoom_tap_avx2(tap, r0, r1, fy, acc) };
    }
    add_zoom_tap_generic(tap, r0, r1, fy, acc);
}

/// The portable definition: each column of each block on its own.
fn add_zoom_tap_generic(tap: &ZoomTap, r0: &[f32], r1: &[f32], fy: f32, acc: &mut [f32]) {
    for block in &tap.blocks {
        for lane in 0..8 {
            let x = block.index * 8 + lane;
            let shift = if block.shifted >> lane & 1 == 1 {
                tap.dir
            } else {
                0
            };
            let i0 = (x as i64 + block.delta + shift) as usize;
            let fx = tap.weights[x] as f32 * (1.0 / 256.0);
            let top = r0[i0] + (r0[i0 + 1] - r0[i0]) * fx;
            let bottom = r1[i0] + (r1[i0 + 1] - r1[i0]) * fx;
            acc[x] += top + (bottom - top) * fy;
        }
    }
    add_zoom_edges(tap, r0, r1, fy, acc);
}

#[inline(always)]
fn add_zoom_edges(tap: &ZoomTap, r0: &[f32], r1: &[f32], fy: f32, acc: &mut [f32]) {
    for &(x, coord) in &tap.edges {
        let (i0, i1) = (coord.i0 as usize, coord.i1 as usize);
        let top = r0[i0] + (r0[i1] - r0[i0]) * coord.frac();
        let bottom = r1[i0] + (r1[i1] - r1[i0]) * coord.frac();
        acc[x] += top + (bottom - top) * fy;
    }
}

/// [`add_zoom_tap_generic`] eight columns at a time: the same operations on the same values
/// (a blend only picks which texel a lane reads), so the same bits (tested).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_zoom_tap_avx2(tap: &ZoomTap, r0: &[f32], r1: &[f32], fy: f32, acc: &mut [f32]) {
    use std::arch::x86_64::*;
    let width = r0.len();
    assert!(r1.len() == width && acc.len() >= width && tap.weights.len() >= width);
    let (fy_lanes, inv) = (_mm256_set1_ps(fy), _mm256_set1_ps(1.0 / 256.0));
    let lane_bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    for block in &tap.blocks {
        let x = block.index * 8;
        let s = (x as i64 + block.delta) as usize;
        let t = (s as i64 + tap.dir) as usize;
        // `ZoomTap::new` made blocks whose reads r[s.. s + 9] and r[t.. t + 9] and columns
        // x .. x + 8 lie inside the row; checked again here, as the loads rely on it.
        assert!(s.max(t) + 9 <= width && x + 8 <= width);
        // SAFETY: the indices are in bounds (asserted above); AVX2 is enabled.
        unsafe {
            let load = |row: &[f32], i: usize| _mm256_loadu_ps(row.as_ptr().add(i));
            let bits = _mm256_and_si256(_mm256_set1_epi32(block.shifted as i32), lane_bits);
            let mask = _mm256_castsi256_ps(_mm256_cmpeq_epi32(bits, lane_bits));
            let weights = _mm_loadl_epi64(tap.weights.as_ptr().add(x).cast());
            let fx = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(weights)), inv);
            let lerp = |a: __m256, b: __m256, f: __m256| {
                _mm256_add_ps(a, _mm256_mul_ps(_mm256_sub_ps(b, a), f))
            };
            let filter = |row: &[f32]| {
                let a = _mm256_blendv_ps(load(row, s), load(row, t), mask);
                let b = _mm256_blendv_ps(load(row, s + 1), load(row, t + 1), mask);
                lerp(a, b, fx)
            };
            let value = lerp(filter(r0), filter(r1), fy_lanes);
            let out = acc.as_mut_ptr().add(x);
            _mm256_storeu_ps(out, _mm256_add_ps(_mm256_loadu_ps(out), value));
        }
    }
    add_zoom_edges(tap, r0, r1, fy, acc);
}

/// The frame as three `f32` planes, R then G then B, in a buffer from [`PLANE_BUFFERS`].
fn planes<S: Source>(source: &S) -> Vec<f32> {
    let (w, h) = (source.width(), source.height());
    let mut planes = take_buffer(w * h * 3);
    let (r, gb) = planes.split_at_mut(w * h);
    let (g, b) = gb.split_at_mut(w * h);
    r.par_chunks_mut(w)
        .zip(g.par_chunks_mut(w))
        .zip(b.par_chunks_mut(w))
        .enumerate()
        .for_each(|(y, ((r, g), b))| {
            source.channel_row(y, 0, r);
            source.channel_row(y, 1, g);
            source.channel_row(y, 2, b);
        });
    planes
}

/// Plane buffers kept between frames: a 1080p frame's planes are 24 MB, and allocating them
/// afresh for every frame cost more in page faults than the blur itself.
static PLANE_BUFFERS: Mutex<Vec<Vec<f32>>> = Mutex::new(Vec::new());

/// A buffer of `len` floats with unspecified contents.
fn take_buffer(len: usize) -> Vec<f32> {
    let mut buffer = PLANE_BUFFERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .pop()
        .unwrap_or_default();
    buffer.resize(len, 0.0);
    buffer
}

/// Returns a buffer for a later frame; two are kept (one per scene).
fn give_back(buffer: Vec<f32>) {
    let mut buffers = PLANE_BUFFERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if buffers.len() < 2 {
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
    fn the_vectorised_paths_equal_the_portable_ones() {
        let width = 333;
        let us: Vec<f32> = (0..width)
            .map(|x| (x as f32 + 0.5) / width as f32)
            .collect();
        let (r0, r1) = (noise_row(width, 1), noise_row(width, 2));
        for texels in [-400.5, -17.25, -0.7, 0.0, 3.3, 150.9, 332.0, 600.0] {
            let offset = Offset::new(texels);
            let (mut fast, mut portable) = (noise_row(width, 3), noise_row(width, 3));
            add_shifted(&r0, offset, &mut fast);
            add_shifted_generic(&r0, offset, &mut portable);
            assert_eq!(fast, portable, "{texels}");
        }
        for scale in [-0.0848, -0.02, 0.03, 0.0636] {
            for f in [0.0, 5.0 / 12.0, 11.0 / 12.0] {
                let tap = ZoomTap::new(0, 0, scale, f, &us);
                let (mut fast, mut portable) = (noise_row(width, 4), noise_row(width, 4));
                add_zoom_tap(&tap, &r0, &r1, 0.375, &mut fast);
                add_zoom_tap_generic(&tap, &r0, &r1, 0.375, &mut portable);
                assert_eq!(fast, portable, "{scale} {f}");
            }
        }
    }
}
