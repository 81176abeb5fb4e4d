//! The shaders' value noise: `hash`, `vnoise`, `fbm` and `ridged`, exactly as HyperFrames
//! defines them in GLSL, with `libm::sinf` inside the hash.
//!
//! `vnoise` only ever hashes integer lattice points, and the shaders only reach lattice points
//! within a few hundred of the origin, so the hash of that square is computed once into a table.
//! The table holds the very values the formula gives; it only saves the `sinf` calls.

use std::sync::OnceLock;

use crate::math::{floor, fract, mix, round_small};

/// `hash(p) = fract(sin(dot(p, vec2(127.1, 311.7))) * 43758.5453)`; the last constant is
/// written as the `f32` it rounds to.
#[inline(always)]
pub(crate) fn hash(x: f32, y: f32) -> f32 {
    fract(libm::sinf(x * 127.1 + y * 311.7) * 43_758.547)
}

/// Lattice coordinates in `-LATTICE_RADIUS..LATTICE_RADIUS` come from the table. The largest
/// the shaders reach is about 380 (the fifth octave of `domain-warp`'s second warp).
const LATTICE_RADIUS: i32 = 400;
const LATTICE_SIDE: usize = 2 * LATTICE_RADIUS as usize;

fn lattice() -> &'static [f32] {
    static TABLE: OnceLock<Vec<f32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Vec::with_capacity(LATTICE_SIDE * LATTICE_SIDE);
        for iy in -LATTICE_RADIUS..LATTICE_RADIUS {
            for ix in -LATTICE_RADIUS..LATTICE_RADIUS {
                table.push(hash(ix as f32, iy as f32));
            }
        }
        table
    })
}

/// Value noise hashes of the four corners of the cell whose lower corner is (ix, iy).
#[inline(always)]
fn corners(table: &[f32], ix: f32, iy: f32) -> [f32; 4] {
    let (cx, cy) = (ix as i32, iy as i32);
    let inside = |c: i32| (-LATTICE_RADIUS..LATTICE_RADIUS - 1).contains(&c);
    if inside(cx) && inside(cy) {
        let i = (cy + LATTICE_RADIUS) as usize * LATTICE_SIDE + (cx + LATTICE_RADIUS) as usize;
        [
            table[i],
            table[i + 1],
            table[i + LATTICE_SIDE],
            table[i + LATTICE_SIDE + 1],
        ]
    } else {
        [
            hash(ix, iy),
            hash(ix + 1.0, iy),
            hash(ix, iy + 1.0),
            hash(ix + 1.0, iy + 1.0),
        ]
    }
}

/// Quintic-smoothed value noise, in 0..1.
#[inline(always)]
fn vnoise_with(table: &[f32], x: f32, y: f32) -> f32 {
    let (ix, iy) = (floor(x), floor(y));
    let (fx, fy) = (quintic(x - ix), quintic(y - iy));
    let [h00, h10, h01, h11] = corners(table, ix, iy);
    mix(mix(h00, h10, fx), mix(h01, h11, fx), fy)
}

#[inline(always)]
fn quintic(f: f32) -> f32 {
    f * f * f * (f * (f * 6.0 - 15.0) + 10.0)
}

pub(crate) fn vnoise(x: f32, y: f32) -> f32 {
    vnoise_with(lattice(), x, y)
}

/// Five octaves; each turns the domain by `mat2(.8,.6,-.6,.8)` and scales it by 2.02. The
/// point-at-a-time definition, which the row versions are tested against.
#[cfg(test)]
fn octaves(x: f32, y: f32, mut shape: impl FnMut(f32) -> f32) -> f32 {
    let table = lattice();
    let (mut x, mut y) = (x, y);
    let (mut v, mut a) = (0.0, 0.5);
    for _ in 0..5 {
        v += a * shape(vnoise_with(table, x, y));
        // GLSL's mat2 is column-major: R * p = (.8 x - .6 y, .6 x + .8 y).
        let (rx, ry) = (0.8 * x - 0.6 * y, 0.6 * x + 0.8 * y);
        x = rx * 2.02;
        y = ry * 2.02;
        a *= 0.5;
    }
    v
}

/// [`floor`] for |x| < 2^22, in plain arithmetic that vectorises: noise coordinates stay below
/// a thousand.
#[inline(always)]
fn floor_small(x: f32) -> f32 {
    let r = round_small(x).0;
    if r > x { r - 1.0 } else { r }
}

/// The five octaves of `fbm` (`shape` = identity) or `ridged` at every point (xs[i], ys[i]),
/// into `out`; each octave turns the domain by `mat2(.8,.6,-.6,.8)` and scales it by 2.02.
/// Computed an octave at a time over the whole row, so that everything except the table reads
/// vectorises; the same operations in the same order as one point at a time (tested).
fn octaves_row(xs: &[f32], ys: &[f32], out: &mut [f32], shape: impl Fn(f32) -> f32) {
    let n = out.len();
    let table = lattice();
    let (mut x, mut y) = (xs[..n].to_vec(), ys[..n].to_vec());
    let (mut cell_x, mut cell_y) = (vec![0.0f32; n], vec![0.0f32; n]);
    let (mut wx, mut wy) = (vec![0.0f32; n], vec![0.0f32; n]);
    out.fill(0.0);
    let mut a = 0.5;
    for _ in 0..5 {
        for i in 0..n {
            let (ix, iy) = (floor_small(x[i]), floor_small(y[i]));
            (cell_x[i], cell_y[i]) = (ix, iy);
            (wx[i], wy[i]) = (quintic(x[i] - ix), quintic(y[i] - iy));
        }
        for i in 0..n {
            let [h00, h10, h01, h11] = corners(table, cell_x[i], cell_y[i]);
            out[i] += a * shape(mix(mix(h00, h10, wx[i]), mix(h01, h11, wx[i]), wy[i]));
        }
        for i in 0..n {
            let (rx, ry) = (0.8 * x[i] - 0.6 * y[i], 0.6 * x[i] + 0.8 * y[i]);
            x[i] = rx * 2.02;
            y[i] = ry * 2.02;
        }
        a *= 0.5;
    }
}

/// [`fbm`] of every point (xs[i], ys[i]).
pub(crate) fn fbm_row(xs: &[f32], ys: &[f32], out: &mut [f32]) {
    octaves_row(xs, ys, out, |n| n);
}

/// [`ridged`] of every point (xs[i], ys[i]).
pub(crate) fn ridged_row(xs: &[f32], ys: &[f32], out: &mut [f32]) {
    octaves_row(xs, ys, out, |n| (n * 2.0 - 1.0).abs());
}

/// `fbm` of the points `point(0..n)`.
pub(crate) fn fbm_map(n: usize, point: impl Fn(usize) -> (f32, f32)) -> Vec<f32> {
    let (xs, ys): (Vec<f32>, Vec<f32>) = (0..n).map(point).unzip();
    let mut out = vec![0.0; n];
    fbm_row(&xs, &ys, &mut out);
    out
}

/// `ridged` of the points `point(0..n)`.
pub(crate) fn ridged_map(n: usize, point: impl Fn(usize) -> (f32, f32)) -> Vec<f32> {
    let (xs, ys): (Vec<f32>, Vec<f32>) = (0..n).map(point).unzip();
    let mut out = vec![0.0; n];
    ridged_row(&xs, &ys, &mut out);
    out
}

#[cfg(test)]
fn fbm(x: f32, y: f32) -> f32 {
    octaves(x, y, |n| n)
}

#[cfg(test)]
fn ridged(x: f32, y: f32) -> f32 {
    octaves(x, y, |n| (n * 2.0 - 1.0).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lattice_table_holds_the_hash_formula() {
        let table = lattice();
        for (ix, iy) in [(0, 0), (-400, -400), (398, 12), (-7, 399), (123, -321)] {
            let i = (iy + LATTICE_RADIUS) as usize * LATTICE_SIDE + (ix + LATTICE_RADIUS) as usize;
            assert_eq!(table[i], hash(ix as f32, iy as f32));
        }
    }

    #[test]
    fn noise_outside_the_table_is_the_same_formula() {
        // A cell straddling the table's edge falls back to the formula.
        let x = LATTICE_RADIUS as f32 - 0.5;
        let expected = {
            let f = quintic(0.5);
            let ix = floor(x);
            mix(
                mix(hash(ix, 3.0), hash(ix + 1.0, 3.0), f),
                mix(hash(ix, 4.0), hash(ix + 1.0, 4.0), f),
                quintic(0.25),
            )
        };
        assert_eq!(vnoise(x, 3.25), expected);
    }

    #[test]
    fn a_row_of_fbm_is_fbm_of_each_point() {
        let xs: Vec<f32> = (0..700).map(|i| i as f32 * 0.173 - 20.0).collect();
        let ys: Vec<f32> = (0..700).map(|i| 3.0 - i as f32 * 0.051).collect();
        let mut row = vec![0.0; xs.len()];
        fbm_row(&xs, &ys, &mut row);
        let mut ridges = vec![0.0; xs.len()];
        ridged_row(&xs, &ys, &mut ridges);
        for i in 0..xs.len() {
            assert_eq!(row[i], fbm(xs[i], ys[i]), "{i}");
            assert_eq!(ridges[i], ridged(xs[i], ys[i]), "{i}");
        }
    }

    #[test]
    fn fbm_stays_in_range() {
        for i in 0..1000 {
            let (x, y) = (i as f32 * 0.037, i as f32 * 0.051);
            let v = fbm(x, y);
            assert!((0.0..1.0).contains(&v), "{v}");
            let r = ridged(x, y);
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }
}
