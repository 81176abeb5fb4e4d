//! Transitions without noise: per-pixel colour math and a few displaced samples. Rows are
//! processed as planes so that the colour math vectorises.

use super::Ctx;
use crate::math::{clamp01, exp, length, mix, smoothstep};
use crate::render::{Store, render_rows};
use crate::sample::{Source, gather_channel, pack_texels};

/// `out = mix(a, b, t)` over a row.
fn mix_rows(out: &mut [f32], a: &[f32], b: &[f32], t: f32) {
    for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *o = mix(a, b, t);
    }
}

/// `mix(A, B, p)`: HyperFrames' fallback when a transition names no shader.
pub(super) fn crossfade<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb] = s.arrays(c.width);
            c.from.row_rgb(y, ar, ag, ab);
            c.to.row_rgb(y, br, bg, bb);
            mix_rows(&mut o.r, ar, br, c.p);
            mix_rows(&mut o.g, ag, bg, c.p);
            mix_rows(&mut o.b, ab, bb, c.p);
        },
    );
}

/// Scene A washes out to white, scene B comes back from it.
pub(super) fn flash_through_white<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let to_white = smoothstep(0.0, 0.45, c.p);
    let from_white = 1.0 - smoothstep(0.5, 1.0, c.p);
    let cross = smoothstep(0.35, 0.65, c.p);
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb] = s.arrays(c.width);
            c.from.row_rgb(y, ar, ag, ab);
            c.to.row_rgb(y, br, bg, bb);
            for (out, a, b) in [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)] {
                for ((o, &a), &b) in out.iter_mut().zip(a.iter()).zip(b.iter()) {
                    *o = mix(mix(a, 1.0, to_white), mix(b, 1.0, from_white), cross);
                }
            }
        },
    );
}

/// Red and blue sampled from coordinates scaled about the centre, green in place.
pub(super) fn chromatic_split<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let from_shift = c.p * 0.06;
    let to_shift = (1.0 - c.p) * 0.06;
    // The four displaced samples, as the scale of `v_uv - .5` added to `v_uv`: from.r,
    // from.b, to.r, to.b. Each is separable, so its coordinates are per column and per row:
    // the columns' packed positions are computed once per frame.
    let scales = [from_shift, -from_shift, -to_shift, to_shift];
    let along = |t: f32, s: f32, size: f32| clamp01(t + (t - 0.5) * s) * size - 0.5;
    let columns: Vec<Vec<f32>> = scales
        .iter()
        .map(|&s| {
            let mut xs: Vec<f32> = c.us.iter().map(|&u| along(u, s, c.width as f32)).collect();
            pack_texels(&mut xs, c.width);
            xs
        })
        .collect();
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, ys] = s.arrays(c.width);
            c.from.channel_row(y, 1, ag);
            c.to.channel_row(y, 1, bg);
            for (k, (source, channel, out)) in [
                (c.from, 0, &mut *ar),
                (c.from, 2, &mut *ab),
                (c.to, 0, &mut *br),
                (c.to, 2, &mut *bb),
            ]
            .into_iter()
            .enumerate()
            {
                ys.fill(along(c.v(y), scales[k], c.height as f32));
                pack_texels(ys, c.height);
                gather_channel(source, &columns[k], ys, channel, out);
            }
            mix_rows(&mut o.r, ar, br, c.p);
            mix_rows(&mut o.g, ag, bg, c.p);
            mix_rows(&mut o.b, ab, bb, c.p);
        },
    );
}

/// A circle opening from the centre, with three glowing rings at its edge.
pub(super) fn sdf_iris<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let aspect = c.width as f32 / c.height as f32;
    let radius = c.p * 1.2;
    let fw = 0.003;
    let glow_scale = c.p * (1.0 - c.p) * 4.0;
    let bright = c.accent.bright;
    let xs: Vec<f32> = c.us.iter().map(|&u| (u - 0.5) * aspect).collect();
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, edge, glow] = s.arrays(c.width);
            c.from.row_rgb(y, ar, ag, ab);
            c.to.row_rgb(y, br, bg, bb);
            let uy = c.v(y) - 0.5;
            for ((&ux, edge), glow) in xs.iter().zip(edge.iter_mut()).zip(glow.iter_mut()) {
                let d = length(ux, uy);
                *edge = smoothstep(radius + fw, radius - fw, d);
                let ring1 = exp(-(d - radius).abs() * 25.0);
                let ring2 = exp(-(d - radius + 0.04).abs() * 20.0) * 0.5;
                let ring3 = exp(-(d - radius + 0.08).abs() * 15.0) * 0.25;
                *glow = (ring1 + ring2 + ring3) * glow_scale;
            }
            let planes = [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)];
            for (i, (out, a, b)) in planes.into_iter().enumerate() {
                for (((o, &a), &b), (&e, &g)) in out
                    .iter_mut()
                    .zip(a.iter())
                    .zip(b.iter())
                    .zip(edge.iter().zip(glow.iter()))
                {
                    *o = mix(a, b, e) + bright[i] * g * 0.6;
                }
            }
        },
    );
}

/// Scene A pulled into a black hole at the centre, red and blue pulled by different amounts,
/// fading to scene B.
pub(super) fn gravitational_lens<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let pull = c.p * 2.0;
    let horizon_radius = 1.0 - c.p * 0.85 + 0.001;
    let horizon_strength = smoothstep(0.0, 0.3, c.p);
    let to_b = smoothstep(0.3, 0.9, c.p);
    let (w, h) = (c.width, c.height);
    render_rows(
        out,
        w,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, dim, rx, ry, gx, gy, bx, by] = s.arrays(w);
            c.to.row_rgb(y, br, bg, bb);
            let v = c.v(y);
            let uy = v - 0.5;
            let (wf, hf) = (w as f32, h as f32);
            for (x, &u) in c.us.iter().enumerate() {
                let ux = u - 0.5;
                let dist = length(ux, uy);
                let warp = pull * 0.3 / (dist + 0.1);
                let shift = pull * 0.02 / (dist + 0.2);
                let horizon = smoothstep(0.0, 0.3, dist / horizon_radius);
                dim[x] = mix(1.0, horizon, horizon_strength);
                // Red and blue are pulled by warpStr -+ shift, green by warpStr.
                for (k, sx, sy) in [
                    (warp + shift, &mut rx[x], &mut ry[x]),
                    (warp, &mut gx[x], &mut gy[x]),
                    (warp - shift, &mut bx[x], &mut by[x]),
                ] {
                    *sx = clamp01(u - ux * k) * wf - 0.5;
                    *sy = clamp01(v - uy * k) * hf - 0.5;
                }
            }
            for (xs, ys) in [
                (&mut *rx, &mut *ry),
                (&mut *gx, &mut *gy),
                (&mut *bx, &mut *by),
            ] {
                pack_texels(xs, w);
                pack_texels(ys, h);
            }
            gather_channel(c.from, rx, ry, 0, ar);
            gather_channel(c.from, gx, gy, 1, ag);
            gather_channel(c.from, bx, by, 2, ab);
            for (out, a, b) in [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)] {
                for (((o, &a), &b), &d) in
                    out.iter_mut().zip(a.iter()).zip(b.iter()).zip(dim.iter())
                {
                    *o = mix(a * d, b, to_b);
                }
            }
        },
    );
}

/// A warm leak of light from beyond the top-right corner over-exposes scene A, then scene B
/// fades in.
pub(super) fn light_leak<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let (base, bright) = (c.accent.base, c.accent.bright);
    let to_b = smoothstep(0.15, 0.85, c.p);
    let p = c.p;
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, dist, leak, flare] = s.arrays(c.width);
            c.from.row_rgb(y, ar, ag, ab);
            c.to.row_rgb(y, br, bg, bb);
            let v = c.v(y);
            for (x, &u) in c.us.iter().enumerate() {
                let d = length(u - 1.3, v + 0.2);
                dist[x] = d;
                leak[x] = clamp01(exp(-d * 1.8) * p * 4.0);
                flare[x] = exp(-(v - (-0.2 + u * 0.3)).abs() * 15.0) * leak[x] * 0.3;
            }
            let planes = [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)];
            for (i, (out, a, b)) in planes.into_iter().enumerate() {
                for x in 0..c.width {
                    let warm = mix(base[i], bright[i], dist[x] * 0.7);
                    let over = aces(a[x] + warm * leak[x] * 3.0 + bright[i] * flare[x]);
                    out[x] = mix(over, b[x], to_b);
                }
            }
        },
    );
}

/// The ACES filmic tone curve approximation HyperFrames uses.
#[inline(always)]
fn aces(x: f32) -> f32 {
    clamp01((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14))
}
