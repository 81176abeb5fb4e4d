//! `glitch`: scan lines torn sideways, blocks displaced, RGB split, colour levels crushed, all
//! at an intensity that peaks mid-transition, over a crossfade to scene B.

use super::Ctx;
use crate::math::{clamp01, floor, fract, mix, step};
use crate::render::{Store, render_rows};
use crate::sample::{Source, gather_channel, pack_texels};

/// `rand(co) = fract(sin(dot(co, vec2(12.9898, 78.233))) * 43758.5453)`; the last constant is
/// written as the `f32` it rounds to.
fn rand(x: f32, y: f32) -> f32 {
    fract(libm::sinf(x * 12.9898 + y * 78.233) * 43_758.547)
}

const BLOCKS_X: usize = 12;
const BLOCKS_Y: usize = 8;

pub(super) fn glitch<S: Source, T: Store>(c: &Ctx<S>, out: &mut [T]) {
    let p = c.p;
    let inten = p * (1.0 - p) * 4.0;
    let line_seed = floor(p * 17.0);
    let block_seed = floor(p * 11.0);
    // The displacement of each of the 12x8 blocks.
    let blocks: Vec<[f32; 2]> = (0..BLOCKS_X * BLOCKS_Y)
        .map(|i| {
            let (bx, by) = ((i % BLOCKS_X) as f32, (i / BLOCKS_X) as f32);
            let ba = step(0.83, rand(bx + block_seed, by + block_seed)) * inten;
            [
                (rand(bx * 2.1, by * 2.1) - 0.5) * 0.35 * ba,
                (rand(bx * 3.7, by * 3.7) - 0.5) * 0.35 * ba,
            ]
        })
        .collect();
    let block_x: Vec<usize> =
        c.us.iter()
            .map(|&u| (floor(u * BLOCKS_X as f32) as usize).min(BLOCKS_X - 1))
            .collect();
    let shift = inten * 0.035;
    let flicker = 1.0 + (rand(floor(p * 23.0), floor(p * 23.0)) - 0.5) * 0.3 * inten;
    let levels = mix(256.0, 8.0, inten * 0.5);
    let height = c.height as f32;
    let (wf, hf) = (c.width as f32, c.height as f32);
    render_rows(
        out,
        c.width,
        #[inline(always)]
        |y, o, s| {
            let [ar, ag, ab, br, bg, bb, rx, gx, bx, ys] = s.arrays(c.width);
            c.to.row_rgb(y, br, bg, bb);
            let v = c.v(y);
            let line_y = floor(v * 60.0) / 60.0;
            let line_disp = (rand(line_y, line_seed) - 0.5) * 0.18 * inten;
            let block_y = (floor(v * BLOCKS_Y as f32) as usize).min(BLOCKS_Y - 1);
            let row_blocks = &blocks[block_y * BLOCKS_X..(block_y + 1) * BLOCKS_X];
            let scan = step(0.5, fract(v * height * 0.5)) * 0.05 * inten;
            for (x, (&u, &bx_index)) in c.us.iter().zip(&block_x).enumerate() {
                let bd = row_blocks[bx_index];
                let gu = clamp01(u + line_disp + bd[0]);
                // Red and blue are read `shift` to either side; the sampler clamps them.
                rx[x] = (gu + shift) * wf - 0.5;
                gx[x] = gu * wf - 0.5;
                bx[x] = (gu - shift) * wf - 0.5;
                ys[x] = clamp01(v + bd[1]) * hf - 0.5;
            }
            for xs in [&mut *rx, &mut *gx, &mut *bx] {
                pack_texels(xs, c.width);
            }
            pack_texels(ys, c.height);
            gather_channel(c.from, rx, ys, 0, ar);
            gather_channel(c.from, gx, ys, 1, ag);
            gather_channel(c.from, bx, ys, 2, ab);
            for (out, a, b) in [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)] {
                for ((o, &a), &b) in out.iter_mut().zip(a.iter()).zip(b.iter()) {
                    *o = mix(floor((a - scan) * flicker * levels) / levels, b, p);
                }
            }
        },
    );
}
