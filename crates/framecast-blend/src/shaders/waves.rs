//! Transitions that bend space with waves and rotations: `ripple-waves`, `swirl-vortex`,
//! `thermal-distortion`.

use super::Ctx;
use std::sync::Arc;

use crate::field_cache::{Field, centre, field, field_by_row, fill_planes};
use crate::math::{clamp01, exp, floor, length, mix, sincos, smoothstep};
use crate::noise::fbm_map;
use crate::render::{Store, render_rows, render_tiles};
use crate::sample::{Source, gather_rgb, pack_texel, pack_texels};

/// Concentric waves push scene A outwards and pull scene B in, crossfading.
pub(super) fn ripple_waves<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    // sin and cos of dist*25: with the double-angle and angle-sum identities, each frame's
    // `sin(dist*25 -+ p*12)` and `sin(dist*50 -+ p*18)` follow with a few multiplications.
    let phases = ripple_waves_field(c.width, c.height);
    let p = c.p;
    let (s12, c12) = libm::sincosf(p * 12.0);
    let (s18, c18) = libm::sincosf(p * 18.0);
    let from_amp = p * 0.04;
    let to_amp = (1.0 - p) * 0.04;
    let bright = c.accent.bright;
    let (w, h) = (c.width, c.height);
    render_rows(
        out,
        w,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, fu, fv, tu, tv, peak] = s.arrays(w);
            let v = c.v(y);
            let uy = v - 0.5;
            let (sin25, cos25) = (phases.plane(y, 0, w), phases.plane(y, 1, w));
            let (us, fu, fv, tu, tv, peak) = (
                &c.us[..w],
                &mut fu[..w],
                &mut fv[..w],
                &mut tu[..w],
                &mut tv[..w],
                &mut peak[..w],
            );
            // Two passes, so that each loop's values fit in the vector registers (eight
            // lanes); the same operations per pixel. First the wave amplitudes, in fu and tu.
            for x in 0..w {
                let (s25, c25) = (sin25[x], cos25[x]);
                let (s50, c50) = (2.0 * s25 * c25, 1.0 - 2.0 * s25 * s25);
                // sin(a - b) = sin a cos b - cos a sin b, sin(a + b) = sin a cos b + cos a sin b.
                let fw1 = exp(s25 * c12 - c25 * s12 - 1.0);
                let fw2 = exp(s50 * c18 - c50 * s18 - 1.0) * 0.5;
                let tw1 = exp(s25 * c12 + c25 * s12 - 1.0);
                let tw2 = exp(s50 * c18 + c50 * s18 - 1.0) * 0.5;
                fu[x] = (fw1 + fw2) * from_amp;
                tu[x] = (tw1 + tw2) * to_amp;
                peak[x] = fw1 * p * 0.1;
            }
            for x in 0..w {
                let u = us[x];
                let ux = u - 0.5;
                let (dx, dy) = (ux + 0.001, uy + 0.001);
                let inv = 1.0 / length(dx, dy);
                let (dir_x, dir_y) = (dx * inv, dy * inv);
                let (fa, ta) = (fu[x], tu[x]);
                fu[x] = clamp01(u + dir_x * fa) * w as f32 - 0.5;
                fv[x] = clamp01(v + dir_y * fa) * h as f32 - 0.5;
                tu[x] = clamp01(u - dir_x * ta) * w as f32 - 0.5;
                tv[x] = clamp01(v - dir_y * ta) * h as f32 - 0.5;
            }
            pack_texels(fu, w);
            pack_texels(fv, h);
            pack_texels(tu, w);
            pack_texels(tv, h);
            gather_rgb(c.from, fu, fv, [&mut *ar, &mut *ag, &mut *ab]);
            gather_rgb(c.to, tu, tv, [&mut *br, &mut *bg, &mut *bb]);
            let planes = [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)];
            for (i, (out, a, b)) in planes.into_iter().enumerate() {
                for x in 0..w {
                    out[x] = mix(a[x] + bright[i] * peak[x], b[x], p);
                }
            }
        },
    );
}

/// Scene A spins into a vortex and scene B unspins out of one, the twist stronger at the
/// centre and roughened by noise.
///
/// The shader turns scene A by `p * (1 - dist) * 10 + warp * p * 3` and scene B by
/// `-(1 - p) * (1 - dist) * 10 - warp * (1 - p) * 3`: with the whole turn
/// `turn = (1 - dist) * 10 + warp * 3`, by `p * turn` and `p * turn - turn`. The turn and its
/// sine and cosine do not depend on progress and are cached, so a frame computes one sine and
/// cosine per pixel, for scene A, and turns it back by the whole turn for scene B.
pub(super) fn swirl_vortex<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let turns = swirl_vortex_field(c.width, c.height);
    let p = c.p;
    let (w, h) = (c.width, c.height);
    // In tiles, positions mapped ahead: a row's samples turn across hundreds of source rows
    // (and pages), and waiting for them is most of the time.
    render_tiles(
        out,
        w,
        TILE_ROWS,
        TILE_COLUMNS,
        #[inline(always)]
        |y, columns, [fu, fv, tu, tv], s| {
            let n = columns.len();
            let [fs, fc, ts, tc] = s.arrays(n);
            let uy = c.v(y) - 0.5;
            let us = &c.us[columns.clone()][..n];
            let turn = &turns.plane(y, 0, w)[columns.clone()][..n];
            let turn_sin = &turns.plane(y, 1, w)[columns.clone()][..n];
            let turn_cos = &turns.plane(y, 2, w)[columns][..n];
            // The turns, then the positions: two loops whose values fit in the vector
            // registers, with the same operations per pixel. Every slice is `n` long, so that
            // the loops run without bounds checks, eight lanes at a time.
            let (fs, fc, ts, tc) = (&mut fs[..n], &mut fc[..n], &mut ts[..n], &mut tc[..n]);
            for x in 0..n {
                let (sin, cos) = sincos(p * turn[x]);
                (fs[x], fc[x]) = (sin, cos);
                // sin(a - b) = sin a cos b - cos a sin b, cos(a - b) = cos a cos b + sin a sin b.
                let (turn_sin, turn_cos) = (turn_sin[x], turn_cos[x]);
                ts[x] = sin * turn_cos - cos * turn_sin;
                tc[x] = cos * turn_cos + sin * turn_sin;
            }
            // The shader samples at clamp01(uv); clamping the texel position to the edge
            // texels instead gives the same packed positions, in fewer operations.
            let (fu, fv, tu, tv) = (&mut fu[..n], &mut fv[..n], &mut tu[..n], &mut tv[..n]);
            let (w_last, h_last) = ((w - 1) as f32, (h - 1) as f32);
            for x in 0..n {
                let ux = us[x] - 0.5;
                let (fs, fc, ts, tc) = (fs[x], fc[x], ts[x], tc[x]);
                fu[x] = pack_texel((ux * fc - uy * fs + 0.5) * w as f32 - 0.5, w_last);
                fv[x] = pack_texel((ux * fs + uy * fc + 0.5) * h as f32 - 0.5, h_last);
                tu[x] = pack_texel((ux * tc - uy * ts + 0.5) * w as f32 - 0.5, w_last);
                tv[x] = pack_texel((ux * ts + uy * tc + 0.5) * h as f32 - 0.5, h_last);
            }
            c.from.prefetch_samples(fu, fv, PREFETCH_STRIDE);
            c.to.prefetch_samples(tu, tv, PREFETCH_STRIDE);
        },
        #[inline(always)]
        |_, columns, [fu, fv, tu, tv], o, s| {
            let n = columns.len();
            let [ar, ag, ab, br, bg, bb] = s.arrays(n);
            c.from
                .gather_rgb_scattered(fu, fv, [&mut *ar, &mut *ag, &mut *ab]);
            c.to.gather_rgb_scattered(tu, tv, [&mut *br, &mut *bg, &mut *bb]);
            for (out, a, b) in [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)] {
                let (out, a, b) = (&mut out[columns.clone()][..n], &a[..n], &b[..n]);
                for x in 0..n {
                    out[x] = mix(a[x], b[x], p);
                }
            }
        },
    );
}

/// Heat shimmer bends rows of scene A sideways, strongest at the top, while scene B fades in
/// through a warm haze.
///
/// The shimmer's amplitude `fbm(v_uv*3 + vec2(k, p*2))` scrolls through the noise with
/// progress. It is cached on a grid of rows one output row apart in the noise domain and read
/// between the two grid rows around `3v + 2p` (all pixels of a frame share the same fraction):
/// the noise changes over about 20 rows at any frame size, so the difference from evaluating it
/// at every pixel is far below a pixel of displacement, and a frame costs no noise evaluation.
pub(super) fn thermal_distortion<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let (w, h) = (c.width, c.height);
    // The two shimmer waves' sines, which do not depend on progress.
    let waves = thermal_waves_field(w, h);
    let flow = thermal_flow_field(w, h);
    let p = c.p;
    let scroll = p * 2.0 * h as f32 / 3.0;
    let (skip, frac) = (floor(scroll) as usize, scroll - floor(scroll));
    let heat = p * 1.5;
    let bright = c.accent.bright;
    render_rows(
        out,
        w,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, fu, tu, rows] = s.arrays(w);
            let v = c.v(y);
            let y_fade = smoothstep(1.0, 0.0, v);
            let haze = heat * y_fade * 0.15 * (1.0 - p);
            let (amp0, amp1) = (flow.plane(y + skip, 0, w), flow.plane(y + skip + 1, 0, w));
            let (inv0, inv1) = (flow.plane(y + skip, 1, w), flow.plane(y + skip + 1, 1, w));
            let (sines, inv_sines) = (waves.plane(y, 0, w), waves.plane(y, 1, w));
            for (x, &u) in c.us.iter().enumerate() {
                let amp = mix(amp0[x], amp1[x], frac);
                let inv_amp = mix(inv0[x], inv1[x], frac);
                let disp_x = sines[x] * amp * heat * 0.03 * y_fade;
                let disp_x2 = inv_sines[x] * inv_amp * (1.0 - p) * 0.03 * y_fade;
                fu[x] = clamp01(u + disp_x) * w as f32 - 0.5;
                tu[x] = clamp01(u + disp_x2) * w as f32 - 0.5;
            }
            // Every sample is on this row.
            rows.fill(y as f32);
            pack_texels(fu, w);
            pack_texels(tu, w);
            pack_texels(rows, h);
            gather_rgb(c.from, fu, rows, [&mut *ar, &mut *ag, &mut *ab]);
            gather_rgb(c.to, tu, rows, [&mut *br, &mut *bg, &mut *bb]);
            let planes = [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)];
            for (i, (out, a, b)) in planes.into_iter().enumerate() {
                for x in 0..w {
                    out[x] = mix(a[x], b[x], p) + bright[i] * haze;
                }
            }
        },
    );
}

/// The cached field of `ripple-waves` for frames of `width` x `height`.
pub(super) fn ripple_waves_field(width: usize, height: usize) -> Arc<Field> {
    field("ripple-waves", width, height, 2, |u, v, out| {
        let (s, c) = libm::sincosf(length(u - 0.5, v - 0.5) * 25.0);
        out.copy_from_slice(&[s, c]);
    })
}

/// The tiles `swirl-vortex` is computed in (rows, columns).
const TILE_ROWS: usize = 16;
const TILE_COLUMNS: usize = 128;
/// Every how many samples `swirl-vortex` prefetches (1 to 8 measure the same).
const PREFETCH_STRIDE: usize = 4;

/// The cached field of `swirl-vortex` for frames of `width` x `height`: the whole turn
/// `(1 - dist) * 10 + warp * 3`, with `warp = fbm(v_uv * 4) * .5`, and its sine and cosine.
pub(super) fn swirl_vortex_field(width: usize, height: usize) -> Arc<Field> {
    field_by_row("swirl-vortex", width, height, height, 3, |y, row| {
        let v = centre(y, height);
        let warp = fbm_map(width, |x| (centre(x, width) * 4.0, v * 4.0));
        let (turns, rest) = row.split_at_mut(width);
        let (sines, cosines) = rest.split_at_mut(width);
        for (x, warp) in warp.into_iter().enumerate() {
            let dist = length(centre(x, width) - 0.5, v - 0.5);
            let turn = (1.0 - dist) * 10.0 + warp * 0.5 * 3.0;
            turns[x] = turn;
            (sines[x], cosines[x]) = libm::sincosf(turn);
        }
    })
}

/// The cached field of `thermal-distortion` for frames of `width` x `height`.
pub(super) fn thermal_waves_field(width: usize, height: usize) -> Arc<Field> {
    field_by_row("thermal-distortion", width, height, height, 2, |y, row| {
        let v = centre(y, height);
        let wave = |f: f32| libm::sinf(v * 40.0 + f * 8.0);
        let a = fbm_map(width, |x| (centre(x, width) * 6.0, v * 6.0));
        let b = fbm_map(width, |x| (centre(x, width) * 6.0 + 3.0, v * 6.0 + 3.0));
        let a: Vec<f32> = a.into_iter().map(wave).collect();
        let b: Vec<f32> = b.into_iter().map(wave).collect();
        fill_planes(row, &[&a, &b]);
    })
}

/// The cached progress-scrolled shimmer amplitudes of `thermal-distortion`.
pub(super) fn thermal_flow_field(w: usize, h: usize) -> Arc<Field> {
    // Grid row j is at noise y = 3 (j + .5) / h, spanning 3v + 2p for every v and p.
    let grid_rows = h + (2 * h).div_ceil(3) + 2;
    field_by_row("thermal-distortion flow", w, h, grid_rows, 2, |j, row| {
        let ny = centre(j, h) * 3.0;
        let a = fbm_map(w, |x| (centre(x, w) * 3.0, ny));
        let b = fbm_map(w, |x| (centre(x, w) * 3.0 + 3.0, ny));
        fill_planes(row, &[&a, &b]);
    })
}
