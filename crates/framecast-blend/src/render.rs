//! The row-parallel driver every transition runs through, and the conversion of the shader's
//! 0..=1 colours to output pixels.

use std::ops::Range;

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

    fn planes(&self, columns: Range<usize>) -> [&[f32]; 3] {
        [
            &self.r[columns.clone()],
            &self.g[columns.clone()],
            &self.b[columns],
        ]
    }
}

/// An output pixel format.
pub(crate) trait Store: Copy + Send + Sync {
    const CHANNELS: usize;
    /// Stores the colour planes `[r, g, b]` into `row`, pixel `i` from the planes' `i`.
    fn store(row: &mut [Self], rgb: [&[f32]; 3]);
}

/// 8-bit RGBA; the shaders write opaque pixels.
impl Store for u8 {
    const CHANNELS: usize = 4;

    fn store(row: &mut [u8], [r, g, b]: [&[f32]; 3]) {
        for (((out, &r), &g), &b) in row.chunks_exact_mut(4).zip(r).zip(g).zip(b) {
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

    fn store(row: &mut [u16], [r, g, b]: [&[f32]; 3]) {
        for (((out, &r), &g), &b) in row.chunks_exact_mut(3).zip(r).zip(g).zip(b) {
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
    shorts: Vec<i16>,
}

impl Scratch {
    /// `N` arrays of `len` floats, holding whatever an earlier call left there: write before
    /// reading. (Zeroing them on every call cost `swirl-vortex` a tenth of its time.)
    pub fn arrays<const N: usize>(&mut self, len: usize) -> [&mut [f32]; N] {
        grown_planes(&mut self.floats, len)
    }

    /// `N` arrays of `len` 16-bit integers, likewise holding whatever was there.
    pub fn short_arrays<const N: usize>(&mut self, len: usize) -> [&mut [i16]; N] {
        grown_planes(&mut self.shorts, len)
    }
}

/// The first `N` planes of `len` values of `values`, grown to hold them if it is shorter.
fn grown_planes<T: Default + Clone, const N: usize>(
    values: &mut Vec<T>,
    len: usize,
) -> [&mut [T]; N] {
    if values.len() < len * N {
        values.resize(len * N, T::default());
    }
    planes(values, len)
}

/// Runs `shade(y, colours, scratch)` for every row of the output, in parallel on the current
/// rayon pool, and stores the colours it writes. Mark `shade` `#[inline(always)]`, so that
/// it is compiled into the AVX2 row as well. Each row depends only on its index, so the
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
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx2") && !portable_only() {
                    // SAFETY: the CPU has AVX2, checked just above.
                    unsafe { shade_row_avx2(&shade, y, rgb, scratch, row) };
                    return;
                }
                shade(y, rgb, scratch);
                T::store(row, rgb.planes(0..rgb.r.len()));
            },
        );
}

/// Like [`render_rows`], for shaders whose samples of one row spread over many source rows
/// (a rotation), in two phases per piece of row: `map(y, columns, coords, scratch)` computes
/// `C` planes of sample positions (and may start loading the memory they will read), and
/// `shade(y, columns, coords, colours, scratch)` samples and writes `colours` there.
///
/// The output is walked in bands of `band` rows, segment after segment of `segment` columns,
/// which keeps the texels and pages a band's segment reads in the caches and TLB while the
/// band's other rows read them too. `map` runs `LOOKAHEAD` pieces ahead of `shade`, so the
/// memory a piece samples is on its way while the pieces before it are shaded. Each pixel is
/// still computed on its own, so the result does not depend on the tiling or the threads.
pub(crate) fn render_tiles<T: Store, const C: usize>(
    out: &mut [T],
    width: usize,
    band: usize,
    segment: usize,
    map: impl Fn(usize, Range<usize>, [&mut [f32]; C], &mut Scratch) + Sync,
    shade: impl Fn(usize, Range<usize>, [&[f32]; C], &mut RowOut, &mut Scratch) + Sync,
) {
    out.par_chunks_mut(width * T::CHANNELS * band)
        .enumerate()
        .for_each_init(
            || (RowOut::new(width), Vec::new(), Scratch::default()),
            |(rgb, coords, scratch), (index, chunk)| {
                let tile = Tile {
                    first_row: index * band,
                    width,
                    segment,
                };
                let mut buffers = Buffers {
                    rgb,
                    coords,
                    scratch,
                };
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx2") && !portable_only() {
                    // SAFETY: the CPU has AVX2, checked just above.
                    unsafe { tile.render_avx2(&map, &shade, &mut buffers, chunk) };
                    return;
                }
                tile.render(&map, &shade, &mut buffers, chunk);
            },
        );
}

/// The first `C` planes of `n` values of `values`.
fn planes<T, const C: usize>(values: &mut [T], n: usize) -> [&mut [T]; C] {
    let mut rest = &mut values[..C * n];
    std::array::from_fn(|_| {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
        rest = tail;
        head
    })
}

/// How many pieces of row [`render_tiles`] maps ahead of the one it shades (measured on
/// `swirl-vortex` at 1080p: 2 to 8 are 10-20% faster than mapping just before shading).
const LOOKAHEAD: usize = 4;

/// A band of rows of [`render_tiles`].
struct Tile {
    first_row: usize,
    width: usize,
    segment: usize,
}

/// A [`render_tiles`] thread's memory, kept from band to band.
struct Buffers<'a> {
    rgb: &'a mut RowOut,
    /// `LOOKAHEAD + 1` pieces' positions, in turn.
    coords: &'a mut Vec<f32>,
    scratch: &'a mut Scratch,
}

impl Tile {
    /// Maps and shades the band piece by piece, storing each piece's colours as soon as they
    /// are shaded, so one row of colours is all the band keeps (a whole band of colour rows
    /// would crowd the source texels out of the cache).
    #[inline(always)]
    fn render<T: Store, const C: usize>(
        &self,
        map: &impl Fn(usize, Range<usize>, [&mut [f32]; C], &mut Scratch),
        shade: &impl Fn(usize, Range<usize>, [&[f32]; C], &mut RowOut, &mut Scratch),
        buffers: &mut Buffers,
        out: &mut [T],
    ) {
        let stride = self.width * T::CHANNELS;
        let rows = out.len() / stride;
        let slot = C * self.segment;
        buffers.coords.resize(slot * (LOOKAHEAD + 1), 0.0);
        // Piece k is row k % rows of segment k / rows.
        let pieces = rows * self.width.div_ceil(self.segment);
        let piece = |k: usize| {
            let start = k / rows * self.segment;
            (k % rows, start..(start + self.segment).min(self.width))
        };
        for k in 0..pieces + LOOKAHEAD {
            if k < pieces {
                let (r, columns) = piece(k);
                let n = columns.len();
                let coords = &mut buffers.coords[k % (LOOKAHEAD + 1) * slot..][..slot];
                map(
                    self.first_row + r,
                    columns,
                    planes(coords, n),
                    buffers.scratch,
                );
            }
            let Some(k) = k.checked_sub(LOOKAHEAD) else {
                continue;
            };
            let (r, columns) = piece(k);
            let n = columns.len();
            let coords = &mut buffers.coords[k % (LOOKAHEAD + 1) * slot..][..slot];
            let coords = planes(coords, n).map(|plane| &*plane);
            shade(
                self.first_row + r,
                columns.clone(),
                coords,
                buffers.rgb,
                buffers.scratch,
            );
            let pixels =
                &mut out[r * stride..][columns.start * T::CHANNELS..columns.end * T::CHANNELS];
            T::store(pixels, buffers.rgb.planes(columns));
        }
    }

    /// [`Tile::render`] compiled for AVX2, like [`shade_row_avx2`].
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn render_avx2<T: Store, const C: usize>(
        &self,
        map: &impl Fn(usize, Range<usize>, [&mut [f32]; C], &mut Scratch),
        shade: &impl Fn(usize, Range<usize>, [&[f32]; C], &mut RowOut, &mut Scratch),
        buffers: &mut Buffers,
        out: &mut [T],
    ) {
        self.render(map, shade, buffers, out);
    }
}

/// Tests set this to compare the AVX2 rows with the portable ones.
#[cfg(test)]
pub(crate) static PORTABLE_ONLY: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn portable_only() -> bool {
    #[cfg(test)]
    return PORTABLE_ONLY.load(std::sync::atomic::Ordering::Relaxed);
    #[cfg(not(test))]
    false
}

/// One row of [`render_rows`] compiled for AVX2: the shader's loops over a row, inlined here,
/// run eight lanes at a time. Element-wise IEEE arithmetic (and no fused multiply-add, which
/// AVX2 does not include) gives the same bits at any vector width.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn shade_row_avx2<T: Store>(
    shade: &impl Fn(usize, &mut RowOut, &mut Scratch),
    y: usize,
    rgb: &mut RowOut,
    scratch: &mut Scratch,
    row: &mut [T],
) {
    shade(y, rgb, scratch);
    T::store(row, rgb.planes(0..rgb.r.len()));
}
