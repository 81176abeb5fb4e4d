//! Packed RGB(A) to limited-range BT.709 I420, row-parallel with rayon.

use rayon::prelude::*;

use crate::color::{FRAC_BITS, RgbToYuv, clamp_u8, rgb_to_bt709_limited};
use crate::frame::Yuv420Frame;

/// Converts packed 8-bit RGBA to limited-range BT.709 I420. Alpha is ignored.
///
/// Luma is computed per pixel; chroma from the average of each 2x2 block (centre-sited, as JPEG
/// does). The math is fixed-point integer, so the output is the same on every machine and for
/// every thread count. `out` is reshaped to `width` x `height`, reusing its allocation.
///
/// # Panics
///
/// If `width` or `height` is odd, or `rgba.len() != width * height * 4`.
pub fn rgba_to_yuv420(rgba: &[u8], width: u32, height: u32, out: &mut Yuv420Frame) {
    convert::<4>(rgba, width, height, out);
}

/// Converts packed 8-bit RGB to limited-range BT.709 I420; see [`rgba_to_yuv420`].
///
/// # Panics
///
/// If `width` or `height` is odd, or `rgb.len() != width * height * 3`.
pub fn rgb_to_yuv420(rgb: &[u8], width: u32, height: u32, out: &mut Yuv420Frame) {
    convert::<3>(rgb, width, height, out);
}

fn convert<const BPP: usize>(src: &[u8], width: u32, height: u32, out: &mut Yuv420Frame) {
    let (w, h) = (width as usize, height as usize);
    assert_eq!(
        src.len(),
        w * h * BPP,
        "a {width}x{height} image at {BPP} bytes per pixel needs {} bytes",
        w * h * BPP
    );
    out.reshape(width, height);
    if w == 0 || h == 0 {
        return;
    }
    let coefficients = rgb_to_bt709_limited();
    let (y, u, v) = out.planes_mut();
    // One task unit is a pair of source rows: the rows that share one row of chroma.
    y.par_chunks_mut(2 * w)
        .zip(u.par_chunks_mut(w / 2))
        .zip(v.par_chunks_mut(w / 2))
        .zip(src.par_chunks(2 * w * BPP))
        .for_each(|(((y_rows, u_row), v_row), src_rows)| {
            convert_row_pair::<BPP>(&coefficients, src_rows, y_rows, u_row, v_row);
        });
}

fn convert_row_pair<const BPP: usize>(
    c: &RgbToYuv,
    src_rows: &[u8],
    y_rows: &mut [u8],
    u_row: &mut [u8],
    v_row: &mut [u8],
) {
    const LUMA_BIAS: i32 = (16 << FRAC_BITS) + (1 << (FRAC_BITS - 1));
    // Chroma is computed from the sum of four pixels, which carries two extra bits.
    const CHROMA_SHIFT: u32 = FRAC_BITS + 2;
    const CHROMA_BIAS: i32 = (128 << CHROMA_SHIFT) + (1 << (CHROMA_SHIFT - 1));

    let width = y_rows.len() / 2;
    let (src_top, src_bottom) = src_rows.split_at(width * BPP);
    let (y_top, y_bottom) = y_rows.split_at_mut(width);
    let luma = |p: &[u8]| {
        let weighted =
            c.y[0] * i32::from(p[0]) + c.y[1] * i32::from(p[1]) + c.y[2] * i32::from(p[2]);
        clamp_u8((weighted + LUMA_BIAS) >> FRAC_BITS)
    };

    let blocks = src_top
        .chunks_exact(2 * BPP)
        .zip(src_bottom.chunks_exact(2 * BPP))
        .zip(y_top.chunks_exact_mut(2).zip(y_bottom.chunks_exact_mut(2)))
        .zip(u_row.iter_mut().zip(v_row.iter_mut()));
    for (((top, bottom), (y_top, y_bottom)), (u, v)) in blocks {
        let (top_left, top_right) = top.split_at(BPP);
        let (bottom_left, bottom_right) = bottom.split_at(BPP);
        y_top[0] = luma(top_left);
        y_top[1] = luma(top_right);
        y_bottom[0] = luma(bottom_left);
        y_bottom[1] = luma(bottom_right);

        let sum = |channel: usize| {
            i32::from(top_left[channel])
                + i32::from(top_right[channel])
                + i32::from(bottom_left[channel])
                + i32::from(bottom_right[channel])
        };
        let (r, g, b) = (sum(0), sum(1), sum(2));
        *u = clamp_u8((c.u[0] * r + c.u[1] * g + c.u[2] * b + CHROMA_BIAS) >> CHROMA_SHIFT);
        *v = clamp_u8((c.v[0] * r + c.v[1] * g + c.v[2] * b + CHROMA_BIAS) >> CHROMA_SHIFT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_flat(rgb: [u8; 3]) -> (u8, u8, u8) {
        let rgba: Vec<u8> = [rgb[0], rgb[1], rgb[2], 255].repeat(4 * 4);
        let mut out = Yuv420Frame::new(2, 2);
        rgba_to_yuv420(&rgba, 4, 4, &mut out);
        assert!(out.y().iter().all(|&y| y == out.y()[0]));
        assert!(out.u().iter().all(|&u| u == out.u()[0]));
        assert!(out.v().iter().all(|&v| v == out.v()[0]));
        (out.y()[0], out.u()[0], out.v()[0])
    }

    fn assert_close(actual: (u8, u8, u8), expected: (u8, u8, u8)) {
        let near = |a: u8, e: u8| a.abs_diff(e) <= 1;
        assert!(
            near(actual.0, expected.0) && near(actual.1, expected.1) && near(actual.2, expected.2),
            "got {actual:?}, expected {expected:?} ±1"
        );
    }

    #[test]
    fn white_and_black_hit_the_limited_range_ends() {
        assert_eq!(convert_flat([255, 255, 255]), (235, 128, 128));
        assert_eq!(convert_flat([0, 0, 0]), (16, 128, 128));
    }

    #[test]
    fn primaries_match_bt709_limited() {
        assert_close(convert_flat([255, 0, 0]), (63, 102, 240));
        assert_close(convert_flat([0, 255, 0]), (173, 42, 26));
        assert_close(convert_flat([0, 0, 255]), (32, 240, 118));
    }

    #[test]
    fn greys_stay_neutral() {
        for level in 0..=255 {
            let (_, u, v) = convert_flat([level; 3]);
            assert_eq!((u, v), (128, 128), "grey {level}");
        }
    }

    #[test]
    fn rgb_and_rgba_agree() {
        let (w, h) = (6u32, 4u32);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 256) as u8).collect();
        let rgba: Vec<u8> = rgb.chunks(3).flat_map(|p| [p[0], p[1], p[2], 7]).collect();
        let (mut a, mut b) = (Yuv420Frame::new(2, 2), Yuv420Frame::new(2, 2));
        rgb_to_yuv420(&rgb, w, h, &mut a);
        rgba_to_yuv420(&rgba, w, h, &mut b);
        assert_eq!(a, b);
        assert_eq!((a.width, a.height), (w, h));
    }

    #[test]
    fn chroma_is_the_block_average() {
        // Left column red, right column blue: every 2x2 block mixes them half and half.
        let (red, blue) = ([255, 0, 0, 255], [0, 0, 255, 255]);
        let rgba: Vec<u8> = [red, blue, red, blue].concat();
        let mut out = Yuv420Frame::new(2, 2);
        rgba_to_yuv420(&rgba, 2, 2, &mut out);
        let (_, red_u, red_v) = convert_flat([255, 0, 0]);
        let (_, blue_u, blue_v) = convert_flat([0, 0, 255]);
        let mid = |a: u8, b: u8| (u16::from(a) + u16::from(b)).div_ceil(2) as u8;
        assert!(out.u()[0].abs_diff(mid(red_u, blue_u)) <= 1);
        assert!(out.v()[0].abs_diff(mid(red_v, blue_v)) <= 1);
    }
}
