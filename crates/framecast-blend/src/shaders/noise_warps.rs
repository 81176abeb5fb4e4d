//! Transitions driven by fractal noise that depends only on the pixel position: the noise is
//! a cached field, and each frame only samples and mixes.

use super::Ctx;
use crate::field_cache::field;
use crate::math::{clamp01, mix, smoothstep, step};
use crate::noise::{fbm, ridged, vnoise};
use crate::render::{Store, render_rows};
use crate::sample::{Source, gather_rgb, pack_texels};

/// Scene B is revealed where warped noise falls below progress, with a glowing accent edge;
/// both scenes are pushed along the warp.
pub(super) fn domain_warp<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    // warpDir.xy and the warped noise n.
    let noise = field("domain-warp", c.width, c.height, 3, |u, v, out| {
        let (px, py) = (u * 3.0, v * 3.0);
        let q = [fbm(px, py), fbm(px + 5.2, py + 1.3)];
        let r = [
            fbm(px + q[0] * 4.0 + 1.7, py + q[1] * 4.0 + 9.2),
            fbm(px + q[0] * 4.0 + 8.3, py + q[1] * 4.0 + 2.8),
        ];
        out[0] = (q[0] - 0.5) * 0.4;
        out[1] = (q[1] - 0.5) * 0.4;
        out[2] = fbm(px + r[0] * 2.0, py + r[1] * 2.0);
    });
    let p = c.p;
    let (dark, bright) = (c.accent.dark, c.accent.bright);
    let edge_on = 1.0 - step(1.0, p);
    render_rows(out, c.width, |y, o, s| {
        let [ar, ag, ab, br, bg, bb, e, em, ecm, fu, fv, tu, tv] = s.arrays(c.width);
        let v = c.v(y);
        let row = noise.row(y, c.width);
        let (wf, hf) = (c.width as f32, c.height as f32);
        for (x, (&u, f)) in c.us.iter().zip(row.chunks_exact(3)).enumerate() {
            let (wx, wy) = (f[0], f[1]);
            fu[x] = clamp01(u + wx * p) * wf - 0.5;
            fv[x] = clamp01(v + wy * p) * hf - 0.5;
            tu[x] = clamp01(u - wx * (1.0 - p)) * wf - 0.5;
            tv[x] = clamp01(v - wy * (1.0 - p)) * hf - 0.5;
        }
        pack_texels(fu, c.width);
        pack_texels(fv, c.height);
        pack_texels(tu, c.width);
        pack_texels(tv, c.height);
        gather_rgb(c.from, fu, fv, [&mut *ar, &mut *ag, &mut *ab]);
        gather_rgb(c.to, tu, tv, [&mut *br, &mut *bg, &mut *bb]);
        for (x, f) in row.chunks_exact(3).enumerate() {
            let n = f[2];
            e[x] = smoothstep(p - 0.08, p + 0.08, n);
            let ed = (n - p).abs();
            em[x] = smoothstep(0.1, 0.0, ed) * edge_on * 2.0;
            ecm[x] = smoothstep(0.0, 0.1, ed);
        }
        let planes = [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)];
        for (i, (out, a, b)) in planes.into_iter().enumerate() {
            for x in 0..c.width {
                // mix(B, A, e).rgb + ec * em * 2.
                out[x] = mix(b[x], a[x], e[x]) + mix(dark[i], bright[i], ecm[x]) * em[x];
            }
        }
    });
}

/// Scene A burns away along ridged noise, with a glowing rim and sparks.
pub(super) fn ridged_burn<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    // The ridged noise and whether a spark can light here.
    let noise = field("ridged-burn", c.width, c.height, 2, |u, v, out| {
        out[0] = ridged(u * 4.0, v * 4.0);
        out[1] = step(0.92, vnoise(u * 80.0, v * 80.0));
    });
    let p = c.p;
    let accent = c.accent;
    let edge_on = 1.0 - step(1.0, p);
    render_rows(out, c.width, |y, o, s| {
        let [ar, ag, ab, br, bg, bb, e, heat, sparks, s1, s2, s3] = s.arrays(c.width);
        c.from.row_rgb(y, ar, ag, ab);
        c.to.row_rgb(y, br, bg, bb);
        for (x, f) in noise.row(y, c.width).chunks_exact(2).enumerate() {
            let (n, spark) = (f[0], f[1]);
            e[x] = smoothstep(p - 0.04, p + 0.04, n);
            let h = smoothstep(0.12, 0.0, (n - p).abs()) * edge_on;
            heat[x] = h;
            sparks[x] = spark * h * 3.0;
            s1[x] = smoothstep(0.0, 0.25, h);
            s2[x] = smoothstep(0.25, 0.5, h);
            s3[x] = smoothstep(0.5, 1.0, h);
        }
        let planes = [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)];
        for (i, (out, a, b)) in planes.into_iter().enumerate() {
            for x in 0..c.width {
                let mut burn = mix(accent.dark[i], accent.base[i], s1[x]);
                burn = mix(burn, accent.bright[i], s2[x]);
                burn = mix(burn, 1.0, s3[x]);
                out[x] =
                    mix(b[x], a[x], e[x]) + burn * heat[x] * 3.5 + accent.bright[i] * sparks[x];
            }
        }
    });
}

/// Both scenes displaced along a noise field, swapped along another noise's level set.
pub(super) fn cross_warp_morph<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    // disp.xy and the blend noise n.
    let noise = field("cross-warp-morph", c.width, c.height, 3, |u, v, out| {
        let (px, py) = (u * 3.0, v * 3.0);
        out[0] = fbm(px, py) - 0.5;
        out[1] = fbm(px + 7.3, py + 3.7) - 0.5;
        out[2] = fbm(u * 4.0 + 3.1, v * 4.0 + 1.7);
    });
    let p = c.p;
    render_rows(out, c.width, |y, o, s| {
        let [ar, ag, ab, br, bg, bb, blend, fu, fv, tu, tv] = s.arrays(c.width);
        let v = c.v(y);
        let row = noise.row(y, c.width);
        let (wf, hf) = (c.width as f32, c.height as f32);
        for (x, (&u, f)) in c.us.iter().zip(row.chunks_exact(3)).enumerate() {
            let (dx, dy) = (f[0], f[1]);
            fu[x] = clamp01(u + dx * p * 0.5) * wf - 0.5;
            fv[x] = clamp01(v + dy * p * 0.5) * hf - 0.5;
            tu[x] = clamp01(u - dx * (1.0 - p) * 0.5) * wf - 0.5;
            tv[x] = clamp01(v - dy * (1.0 - p) * 0.5) * hf - 0.5;
        }
        pack_texels(fu, c.width);
        pack_texels(fv, c.height);
        pack_texels(tu, c.width);
        pack_texels(tv, c.height);
        gather_rgb(c.from, fu, fv, [&mut *ar, &mut *ag, &mut *ab]);
        gather_rgb(c.to, tu, tv, [&mut *br, &mut *bg, &mut *bb]);
        for (x, f) in row.chunks_exact(3).enumerate() {
            blend[x] = smoothstep(0.4, 0.6, f[2] + p * 1.2 - 0.6);
        }
        for (out, a, b) in [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)] {
            for x in 0..c.width {
                out[x] = mix(a[x], b[x], blend[x]);
            }
        }
    });
}
