//! The row-parallel driver every transition runs through, and the conversion of the shader's
//! 0..=1 colours to output pixels.

use rayon::prelude::*;

use crate::math::round_small;

/// One output row as three planes of 0..=1 colour, which vectorised shader code can write
/// whole.
pub(crate) struct RowOut {
    pub r: Vec<f32>,
    pub g: Vec<f32>,
    pub b: Vec<f32>,
}

impl RowOut {
    fn new(width: usize) -> RowOut {
        RowOut {
            r: vec![0.0; width],
            g: vec![0.0; width],
            b: vec![0.0; width],
        }
    }
}

/// An output pixel format.
pub(crate) trait Store: Copy + Send + Sync {
    const CHANNELS: usize;
    fn store(row: &mut [Self], rgb: &RowOut);
}

/// 8-bit RGBA; the shaders write opaque pixels.
impl Store for u8 {
    const CHANNELS: usize = 4;

    fn store(row: &mut [u8], rgb: &RowOut) {
        for (((out, &r), &g), &b) in row.chunks_exact_mut(4).zip(&rgb.r).zip(&rgb.g).zip(&rgb.b) {
            let pixel = quantize(r, 255.0)
                | quantize(g, 255.0) << 8
                | quantize(b, 255.0) << 16
                | 0xFF00_0000;
            out.copy_from_slice(&pixel.to_le_bytes());
        }
    }
}

/// 16-bit RGB.
impl Store for u16 {
    const CHANNELS: usize = 3;

    fn store(row: &mut [u16], rgb: &RowOut) {
        for (((out, &r), &g), &b) in row.chunks_exact_mut(3).zip(&rgb.r).zip(&rgb.g).zip(&rgb.b) {
            out.copy_from_slice(&[
                quantize(r, 65535.0) as u16,
                quantize(g, 65535.0) as u16,
                quantize(b, 65535.0) as u16,
            ]);
        }
    }
}

/// Round to nearest (ties to even) as a GPU writes a normalised colour; NaN becomes 0. Plain
/// arithmetic rather than an `as` conversion, so that the store loops vectorise.
#[inline(always)]
fn quantize(v: f32, max: f32) -> u32 {
    // Not `clamp`, which keeps NaN.
    let v = if v > 0.0 { v.min(1.0) } else { 0.0 };
    round_small(v * max).1 as u32
}

/// Scratch memory a row function may use, kept per rayon worker so that no pixel allocates.
#[derive(Default)]
pub(crate) struct Scratch {
    floats: Vec<f32>,
}

impl Scratch {
    /// `N` zeroed arrays of `len` floats.
    pub fn arrays<const N: usize>(&mut self, len: usize) -> [&mut [f32]; N] {
        self.floats.clear();
        self.floats.resize(len * N, 0.0);
        let mut rest: &mut [f32] = &mut self.floats;
        std::array::from_fn(|_| {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
            rest = tail;
            head
        })
    }
}

/// Runs `shade(y, colours, scratch)` for every row of the output, in parallel on the current
/// rayon pool, and stores the colours it writes. Each row depends only on its index, so the
/// result does not depend on how rows are spread over threads.
pub(crate) fn render_rows<T: Store>(
    out: &mut [T],
    width: usize,
    shade: impl Fn(usize, &mut RowOut, &mut Scratch) + Sync,
) {
    out.par_chunks_mut(width * T::CHANNELS)
        .enumerate()
        .for_each_init(
            || (RowOut::new(width), Scratch::default()),
            |(rgb, scratch), (y, row)| {
                shade(y, rgb, scratch);
                T::store(row, rgb);
            },
        );
}
