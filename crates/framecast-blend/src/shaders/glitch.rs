//! `glitch`: scan lines torn sideways, blocks displaced, RGB split, colour levels crushed, all
//! at an intensity that peaks mid-transition, over a crossfade to scene B.

use super::Ctx;
use crate::math::{clamp01, floor, fract, mix, step};
use crate::render::{Store, render_rows};
use crate::sample::{Coord, Source};

/// `rand(co) = fract(sin(dot(co, vec2(12.9898, 78.233))) * 43758.5453)`.
fn rand(x: f32, y: f32) -> f32 {
    fract(libm::sinf(x * 12.9898 + y * 78.233) * 43758.5453)
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
    render_rows(out, c.width, |y, o, s| {
        let [ar, ag, ab, br, bg, bb] = s.arrays(c.width);
        c.to.row_rgb(y, br, bg, bb);
        let v = c.v(y);
        let line_y = floor(v * 60.0) / 60.0;
        let line_disp = (rand(line_y, line_seed) - 0.5) * 0.18 * inten;
        let block_y = (floor(v * BLOCKS_Y as f32) as usize).min(BLOCKS_Y - 1);
        let scan = step(0.5, fract(v * height * 0.5)) * 0.05 * inten;
        // Rows of blocks that are not displaced vertically sample on a texel row.
        let block_rows: [Coord; BLOCKS_X] = std::array::from_fn(|bx| {
            let bd = blocks[block_y * BLOCKS_X + bx];
            Coord::from_uv(clamp01(v + bd[1]), c.height)
        });
        for (x, &u) in c.us.iter().enumerate() {
            let bd = blocks[block_y * BLOCKS_X + block_x[x]];
            let gu = clamp01(u + line_disp + bd[0]);
            let gv = block_rows[block_x[x]];
            ar[x] = c
                .from
                .channel_at(Coord::from_uv(gu + shift, c.width), gv, 0);
            ag[x] = c.from.channel_at(Coord::from_uv(gu, c.width), gv, 1);
            ab[x] = c
                .from
                .channel_at(Coord::from_uv(gu - shift, c.width), gv, 2);
        }
        for (out, a, b) in [(&mut o.r, ar, br), (&mut o.g, ag, bg), (&mut o.b, ab, bb)] {
            for ((o, &a), &b) in out.iter_mut().zip(a.iter()).zip(b.iter()) {
                *o = mix(floor((a - scan) * flicker * levels) / levels, b, p);
            }
        }
    });
}
