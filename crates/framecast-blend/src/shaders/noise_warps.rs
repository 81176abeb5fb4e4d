//! Transitions driven by fractal noise that depends only on the pixel position: the noise is
//! a cached field, and each frame only samples and mixes.

use super::Ctx;
use std::sync::Arc;

use crate::field_cache::{Field, centre, field_by_row, fill_planes};
use crate::math::{clamp01, mix, smoothstep, step};
use crate::noise::{fbm_map, ridged_map, vnoise};
use crate::render::{Store, render_rows};
use crate::sample::{Source, gather_rgb, pack_texels};

/// Scene B is revealed where warped noise falls below progress, with a glowing accent edge;
/// both scenes are pushed along the warp.
pub(super) fn domain_warp<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    // warpDir.xy and the warped noise n.
    let noise = domain_warp_field(c.width, c.height);
    let p = c.p;
    let (dark, bright) = (c.accent.dark, c.accent.bright);
    let edge_on = 1.0 - step(1.0, p);
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, e, em, ecm, fu, fv, tu, tv] = s.arrays(c.width);
            let v = c.v(y);
            let w = c.width;
            let (warp_x, warp_y) = (noise.plane(y, 0, w), noise.plane(y, 1, w));
            let (wf, hf) = (w as f32, c.height as f32);
            let (us, fu, fv, tu, tv) = (
                &c.us[..w],
                &mut fu[..w],
                &mut fv[..w],
                &mut tu[..w],
                &mut tv[..w],
            );
            for x in 0..w {
                let (u, wx, wy) = (us[x], warp_x[x], warp_y[x]);
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
            let (noise_n, e, em, ecm) = (
                noise.plane(y, 2, w),
                &mut e[..w],
                &mut em[..w],
                &mut ecm[..w],
            );
            for x in 0..w {
                let n = noise_n[x];
                e[x] = smoothstep(p - 0.08, p + 0.08, n);
                let ed = (n - p).abs();
                em[x] = smoothstep(0.1, 0.0, ed) * edge_on * 2.0;
                ecm[x] = smoothstep(0.0, 0.1, ed);
            }
            let planes = [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)];
            for (i, (out, a, b)) in planes.into_iter().enumerate() {
                let (out, a, b) = (&mut out[..w], &a[..w], &b[..w]);
                for x in 0..w {
                    // mix(B, A, e).rgb + ec * em * 2.
                    out[x] = mix(b[x], a[x], e[x]) + mix(dark[i], bright[i], ecm[x]) * em[x];
                }
            }
        },
    );
}

/// Scene A burns away along ridged noise, with a glowing rim and sparks.
pub(super) fn ridged_burn<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    // The ridged noise and whether a spark can light here.
    let noise = ridged_burn_field(c.width, c.height);
    let p = c.p;
    let accent = c.accent;
    let edge_on = 1.0 - step(1.0, p);
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, e, heat, sparks, s1, s2, s3] = s.arrays(c.width);
            c.from.row_rgb(y, ar, ag, ab);
            c.to.row_rgb(y, br, bg, bb);
            let (noise_n, noise_spark) = (noise.plane(y, 0, c.width), noise.plane(y, 1, c.width));
            for (x, (&n, &spark)) in noise_n.iter().zip(noise_spark).enumerate() {
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
        },
    );
}

/// Both scenes displaced along a noise field, swapped along another noise's level set.
pub(super) fn cross_warp_morph<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    // disp.xy and the blend noise n.
    let noise = cross_warp_morph_field(c.width, c.height);
    let p = c.p;
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, blend, fu, fv, tu, tv] = s.arrays(c.width);
            let v = c.v(y);
            let w = c.width;
            let (disp_x, disp_y) = (noise.plane(y, 0, w), noise.plane(y, 1, w));
            let (wf, hf) = (w as f32, c.height as f32);
            let (us, fu, fv, tu, tv) = (
                &c.us[..w],
                &mut fu[..w],
                &mut fv[..w],
                &mut tu[..w],
                &mut tv[..w],
            );
            for x in 0..w {
                let (u, dx, dy) = (us[x], disp_x[x], disp_y[x]);
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
            for (blend, &n) in blend.iter_mut().zip(noise.plane(y, 2, w)) {
                *blend = smoothstep(0.4, 0.6, n + p * 1.2 - 0.6);
            }
            for (out, a, b) in [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)] {
                for (((o, &a), &b), &t) in
                    out.iter_mut().zip(a.iter()).zip(b.iter()).zip(blend.iter())
                {
                    *o = mix(a, b, t);
                }
            }
        },
    );
}

/// The cached field of `domain-warp` for frames of `width` x `height`.
pub(super) fn domain_warp_field(width: usize, height: usize) -> Arc<Field> {
    field_by_row("domain-warp", width, height, height, 3, |y, row| {
        let py = centre(y, height) * 3.0;
        let px: Vec<f32> = (0..width).map(|x| centre(x, width) * 3.0).collect();
        let q0 = fbm_map(width, |x| (px[x], py));
        let q1 = fbm_map(width, |x| (px[x] + 5.2, py + 1.3));
        let r0 = fbm_map(width, |x| {
            (px[x] + q0[x] * 4.0 + 1.7, py + q1[x] * 4.0 + 9.2)
        });
        let r1 = fbm_map(width, |x| {
            (px[x] + q0[x] * 4.0 + 8.3, py + q1[x] * 4.0 + 2.8)
        });
        let n = fbm_map(width, |x| (px[x] + r0[x] * 2.0, py + r1[x] * 2.0));
        let warp_x: Vec<f32> = q0.iter().map(|q| (q - 0.5) * 0.4).collect();
        let warp_y: Vec<f32> = q1.iter().map(|q| (q - 0.5) * 0.4).collect();
        fill_planes(row, &[&warp_x, &warp_y, &n]);
    })
}

/// The cached field of `ridged-burn` for frames of `width` x `height`.
pub(super) fn ridged_burn_field(width: usize, height: usize) -> Arc<Field> {
    field_by_row("ridged-burn", width, height, height, 2, |y, row| {
        let v = centre(y, height);
        let n = ridged_map(width, |x| (centre(x, width) * 4.0, v * 4.0));
        let sparks: Vec<f32> = (0..width)
            .map(|x| step(0.92, vnoise(centre(x, width) * 80.0, v * 80.0)))
            .collect();
        fill_planes(row, &[&n, &sparks]);
    })
}

/// The cached field of `cross-warp-morph` for frames of `width` x `height`.
pub(super) fn cross_warp_morph_field(width: usize, height: usize) -> Arc<Field> {
    field_by_row("cross-warp-morph", width, height, height, 3, |y, row| {
        let v = centre(y, height);
        let us: Vec<f32> = (0..width).map(|x| centre(x, width)).collect();
        let (px, py) = (|x: usize| us[x] * 3.0, v * 3.0);
        let dx: Vec<f32> = fbm_map(width, |x| (px(x), py))
            .iter()
            .map(|f| f - 0.5)
            .collect();
        let dy: Vec<f32> = fbm_map(width, |x| (px(x) + 7.3, py + 3.7))
            .iter()
            .map(|f| f - 0.5)
            .collect();
        let n = fbm_map(width, |x| (us[x] * 4.0 + 3.1, v * 4.0 + 1.7));
        fill_planes(row, &[&dx, &dy, &n]);
    })
}
