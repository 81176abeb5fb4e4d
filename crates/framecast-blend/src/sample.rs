//! Reading the two input frames: texels, bilinear clamp-to-edge samples (what a WebGL
//! `texture2D` with `LINEAR` filtering and `CLAMP_TO_EDGE` wrapping returns), and whole
//! channel planes for the blur transitions.

use crate::math::round_small;

/// Where a sample falls along one axis: the two texels it mixes and the weight of the second
/// in 1/256ths, as a GPU's texture unit filters. Computed once per row or column where the
/// shader allows, and reused for every pixel that shares it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Coord {
    pub i0: u32,
    pub i1: u32,
    /// Weight of `i1`, 0..=255.
    pub fixed: u32,
}

impl Coord {
    /// The axis position of texture coordinate `t` (0..1 spans the `size` texels).
    #[inline(always)]
    pub fn from_uv(t: f32, size: usize) -> Coord {
        Coord::from_texel(t * size as f32 - 0.5, size)
    }

    /// The axis position of texel-space coordinate `t` (texel centres are at integers),
    /// clamped to the edge texels. Sizes up to 16384 texels.
    #[inline(always)]
    pub fn from_texel(t: f32, size: usize) -> Coord {
        let last = (size - 1) as f32;
        // NaN (from a degenerate input) lands on texel 0.
        let t = if t > 0.0 { t.min(last) } else { 0.0 };
        // t * 256 is exact; rounding it gives the texel and the weight at once.
        let (_, n) = round_small(t * 256.0);
        let i0 = (n >> 8) as u32;
        Coord {
            i0,
            i1: (i0 + 1).min(size as u32 - 1),
            fixed: (n & 255) as u32,
        }
    }

    /// A position that [`pack_texels`] packed.
    #[inline(always)]
    pub fn from_packed(packed: f32, size: usize) -> Coord {
        let n = packed.to_bits();
        let i0 = n >> 8;
        Coord {
            i0,
            i1: (i0 + 1).min(size as u32 - 1),
            fixed: n & 255,
        }
    }

    /// The weight of `i1` as a fraction.
    #[inline(always)]
    pub fn frac(self) -> f32 {
        self.fixed as f32 * (1.0 / 256.0)
    }
}

/// Replaces each texel-space coordinate in `coords` with its clamped position packed as
/// `texel << 8 | weight` in the float's bits, for [`Coord::from_packed`]. The same arithmetic
/// as [`Coord::from_texel`], in a loop that vectorises, so that the per-pixel sampling loop
/// only loads and filters.
pub(crate) fn pack_texels(coords: &mut [f32], size: usize) {
    let last = (size - 1) as f32;
    for c in coords {
        *c = pack_texel(*c, last);
    }
}

/// One position of [`pack_texels`], for an axis whose last texel is `last`.
#[inline(always)]
pub(crate) fn pack_texel(t: f32, last: f32) -> f32 {
    let t = if t > 0.0 { t.min(last) } else { 0.0 };
    let (_, n) = round_small(t * 256.0);
    f32::from_bits(n as u32)
}

/// One input frame, read as RGB in 0..=1.
pub(crate) trait Source: Sync {
    fn width(&self) -> usize;
    fn height(&self) -> usize;
    fn sample_at(&self, x: Coord, y: Coord) -> [f32; 3];
    fn channel_at(&self, x: Coord, y: Coord, channel: usize) -> f32;
    /// Channel `channel` of row `y`, one value per pixel.
    fn channel_row(&self, y: usize, channel: usize, out: &mut [f32]);
    /// Row `y` as three planes.
    fn row_rgb(&self, y: usize, r: &mut [f32], g: &mut [f32], b: &mut [f32]);

    /// Bilinear samples at the [`pack_texels`] positions `(xs[i], ys[i])` into the planes
    /// `r`, `g`, `b`: [`Source::sample_at`] at each position, or a faster path with the same
    /// results.
    fn gather_rgb(&self, xs: &[f32], ys: &[f32], rgb: [&mut [f32]; 3]) {
        gather_rgb_scalar(self, xs, ys, rgb);
    }

    /// A hint that the samples at the [`pack_texels`] positions `(xs[i], ys[i])` will be read
    /// soon: starts loading the memory of every `stride`-th. Changes no result.
    fn prefetch_samples(&self, xs: &[f32], ys: &[f32], stride: usize) {
        let _ = (xs, ys, stride);
    }

    /// [`Source::gather_rgb`] for samples that go their own ways across rows (a rotation)
    /// and whose memory [`Source::prefetch_samples`] already requested: the same results,
    /// without looking for runs along a row or loading the rows below ahead.
    fn gather_rgb_scattered(&self, xs: &[f32], ys: &[f32], rgb: [&mut [f32]; 3]) {
        self.gather_rgb(xs, ys, rgb);
    }

    /// One channel at the [`pack_texels`] positions `(xs[i], ys[i])`:
    /// [`Source::channel_at`] at each position, or a faster path with the same results.
    fn gather_channel(&self, xs: &[f32], ys: &[f32], channel: usize, out: &mut [f32]) {
        gather_channel_scalar(self, xs, ys, channel, out);
    }
}

/// An 8-bit RGBA frame. Samples are filtered in fixed point with 8-bit weights, like a GPU's
/// texture unit, which is exact integer arithmetic and so the same everywhere.
pub(crate) struct Rgba8<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
}

impl<'a> Rgba8<'a> {
    pub fn new(data: &'a [u8], width: usize, height: usize) -> Rgba8<'a> {
        debug_assert_eq!(data.len(), width * height * 4);
        Rgba8 {
            data,
            width,
            height,
        }
    }

    /// The pixel at (x, y) as a little-endian `u32`: R in the low byte.
    #[inline(always)]
    fn pixel(&self, x: u32, y: u32) -> u32 {
        let i = (y as usize * self.width + x as usize) * 4;
        u32::from_le_bytes(
            self.data[i..i + 4]
                .try_into()
                .expect("should be a 4-byte slice"),
        )
    }

    /// Bilinear filtering in `u32` arithmetic: the definition the SSE2 path must match.
    #[inline(always)]
    #[cfg_attr(
        all(target_arch = "x86_64", not(test)),
        expect(dead_code, reason = "the reference the SSE2 path is tested against")
    )]
    fn sample_at_scalar(&self, x: Coord, y: Coord) -> [f32; 3] {
        /// R and B of a pixel in the two 32-bit halves of a `u64`, so that one multiplication
        /// weighs both: a filtered channel is at most 255 * 65536, which fits in 32 bits.
        #[inline(always)]
        fn red_blue(p: u32) -> u64 {
            (p & 0xFF) as u64 | (((p >> 16) & 0xFF) as u64) << 32
        }

        #[inline(always)]
        fn green(p: u32) -> u32 {
            (p >> 8) & 0xFF
        }

        if y.fixed == 0 {
            // On a row: the same sums as below with the second row's weights at zero.
            let (w0, w1) = ((256 - x.fixed) * 256, x.fixed * 256);
            let (p0, p1) = (self.pixel(x.i0, y.i0), self.pixel(x.i1, y.i0));
            let rb = red_blue(p0) * w0 as u64 + red_blue(p1) * w1 as u64;
            let g = green(p0) * w0 + green(p1) * w1;
            return [
                (rb & 0xFFFF_FFFF) as f32 * FIXED_TO_UNIT,
                g as f32 * FIXED_TO_UNIT,
                (rb >> 32) as f32 * FIXED_TO_UNIT,
            ];
        }
        let (w00, w10, w01, w11) = weights(x.fixed, y.fixed);
        let p00 = self.pixel(x.i0, y.i0);
        let p10 = self.pixel(x.i1, y.i0);
        let p01 = self.pixel(x.i0, y.i1);
        let p11 = self.pixel(x.i1, y.i1);
        let rb = red_blue(p00) * w00 as u64
            + red_blue(p10) * w10 as u64
            + red_blue(p01) * w01 as u64
            + red_blue(p11) * w11 as u64;
        let g = green(p00) * w00 + green(p10) * w10 + green(p01) * w01 + green(p11) * w11;
        [
            (rb & 0xFFFF_FFFF) as f32 * FIXED_TO_UNIT,
            g as f32 * FIXED_TO_UNIT,
            (rb >> 32) as f32 * FIXED_TO_UNIT,
        ]
    }
}

/// Bilinear filtering of four RGBA texels with 8-bit weights, in SSE2 (part of every x86-64
/// CPU). The products and sums are integers below 2^24, which `f32` holds exactly, so this is
/// bit for bit the integer computation of [`Rgba8::sample_at_scalar`] (tested), in far fewer
/// instructions.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn filter_sse2(p00: u32, p10: u32, p01: u32, p11: u32, fx: u32, fy: u32) -> [f32; 4] {
    // SAFETY: SSE2 is part of the x86-64 baseline, so every CPU this is compiled for has these
    // instructions; `__m128` and `[f32; 4]` have the same size and accept any bit pattern.
    unsafe {
        use std::arch::x86_64::*;
        let zero = _mm_setzero_si128();
        let texel = |p: u32| {
            let bytes = _mm_cvtsi32_si128(p as i32);
            _mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_unpacklo_epi8(bytes, zero), zero))
        };
        let (fx, fy) = (fx as f32, fy as f32);
        let (gx, gy) = (256.0 - fx, 256.0 - fy);
        let top = _mm_add_ps(
            _mm_mul_ps(texel(p00), _mm_set1_ps(gx * gy)),
            _mm_mul_ps(texel(p10), _mm_set1_ps(fx * gy)),
        );
        let bottom = _mm_add_ps(
            _mm_mul_ps(texel(p01), _mm_set1_ps(gx * fy)),
            _mm_mul_ps(texel(p11), _mm_set1_ps(fx * fy)),
        );
        let unit = _mm_mul_ps(_mm_add_ps(top, bottom), _mm_set1_ps(FIXED_TO_UNIT));
        std::mem::transmute::<__m128, [f32; 4]>(unit)
    }
}

/// 1 / (255 * 65536): from a fixed-point filtered value to 0..=1.
const FIXED_TO_UNIT: f32 = 1.0 / (255.0 * 65536.0);

impl Rgba8<'_> {
    /// [`Source::gather_rgb`], or with `SCATTERED` [`Source::gather_rgb_scattered`].
    #[inline(always)]
    fn gather_rgb_with<const SCATTERED: bool>(&self, xs: &[f32], ys: &[f32], rgb: [&mut [f32]; 3]) {
        let n = common_len(xs, ys, &rgb);
        let [r, g, b] = rgb;
        #[cfg(target_arch = "x86_64")]
        let done = if std::arch::is_x86_feature_detected!("avx2") {
            let planes = [&mut r[..n], &mut g[..n], &mut b[..n]];
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { avx2::gather::<3, SCATTERED>(self, &xs[..n], &ys[..n], [0, 1, 2], planes) }
        } else {
            0
        };
        #[cfg(not(target_arch = "x86_64"))]
        let done = 0;
        gather_rgb_scalar(
            self,
            &xs[done..n],
            &ys[done..n],
            [&mut r[done..n], &mut g[done..n], &mut b[done..n]],
        );
    }
}

impl Source for Rgba8<'_> {
    fn width(&self) -> usize {
        self.width
    }

    #[inline(always)]
    fn prefetch_samples(&self, xs: &[f32], ys: &[f32], stride: usize) {
        #[cfg(target_arch = "x86_64")]
        for (xs, ys) in xs.chunks(64).zip(ys.chunks(64)) {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // The texel indices first, in a loop that vectorises (frames have fewer than
            // 2^32 texels). Packed positions are inside the frame; others, which only a
            // wrong caller passes, wrap and are clamped below: a prefetch reads nothing.
            let mut texels = [0u32; 64];
            for ((texel, &x), &y) in texels.iter_mut().zip(xs).zip(ys) {
                *texel = (y.to_bits() >> 8)
                    .wrapping_mul(self.width as u32)
                    .wrapping_add(x.to_bits() >> 8);
            }
            let last = self.data.len() - 1;
            for &texel in texels[..xs.len().min(ys.len())]
                .iter()
                .step_by(stride.max(1))
            {
                // Both rows of the bilinear footprint.
                let top = (texel as usize * 4).min(last);
                let bottom = (top + self.width * 4).min(last);
                // SAFETY: both offsets are inside the frame; a prefetch reads nothing.
                unsafe {
                    _mm_prefetch::<_MM_HINT_T0>(self.data.as_ptr().add(top).cast());
                    _mm_prefetch::<_MM_HINT_T0>(self.data.as_ptr().add(bottom).cast());
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (xs, ys, stride);
    }

    fn height(&self) -> usize {
        self.height
    }

    #[inline(always)]
    fn sample_at(&self, x: Coord, y: Coord) -> [f32; 3] {
        #[cfg(target_arch = "x86_64")]
        {
            let [r, g, b, _] = filter_sse2(
                self.pixel(x.i0, y.i0),
                self.pixel(x.i1, y.i0),
                self.pixel(x.i0, y.i1),
                self.pixel(x.i1, y.i1),
                x.fixed,
                y.fixed,
            );
            [r, g, b]
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.sample_at_scalar(x, y)
    }

    #[inline(always)]
    fn channel_at(&self, x: Coord, y: Coord, channel: usize) -> f32 {
        let (w00, w10, w01, w11) = weights(x.fixed, y.fixed);
        let shift = channel * 8;
        let t = |x: u32, y: u32| (self.pixel(x, y) >> shift) & 0xFF;
        if y.fixed == 0 {
            let v = t(x.i0, y.i0) * ((256 - x.fixed) * 256) + t(x.i1, y.i0) * (x.fixed * 256);
            return v as f32 * FIXED_TO_UNIT;
        }
        let v =
            t(x.i0, y.i0) * w00 + t(x.i1, y.i0) * w10 + t(x.i0, y.i1) * w01 + t(x.i1, y.i1) * w11;
        v as f32 * FIXED_TO_UNIT
    }

    #[inline(always)]
    fn channel_row(&self, y: usize, channel: usize, out: &mut [f32]) {
        let row = &self.data[y * self.width * 4..(y + 1) * self.width * 4];
        for (o, p) in out.iter_mut().zip(row.chunks_exact(4)) {
            *o = p[channel] as f32 * (1.0 / 255.0);
        }
    }

    fn gather_rgb(&self, xs: &[f32], ys: &[f32], rgb: [&mut [f32]; 3]) {
        self.gather_rgb_with::<false>(xs, ys, rgb);
    }

    fn gather_rgb_scattered(&self, xs: &[f32], ys: &[f32], rgb: [&mut [f32]; 3]) {
        self.gather_rgb_with::<true>(xs, ys, rgb);
    }

    fn gather_channel(&self, xs: &[f32], ys: &[f32], channel: usize, out: &mut [f32]) {
        let n = xs.len().min(ys.len()).min(out.len());
        #[cfg(target_arch = "x86_64")]
        let done = if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe {
                avx2::gather::<1, false>(self, &xs[..n], &ys[..n], [channel], [&mut out[..n]])
            }
        } else {
            0
        };
        #[cfg(not(target_arch = "x86_64"))]
        let done = 0;
        gather_channel_scalar(self, &xs[done..n], &ys[done..n], channel, &mut out[done..n]);
    }

    #[inline(always)]
    fn row_rgb(&self, y: usize, r: &mut [f32], g: &mut [f32], b: &mut [f32]) {
        let row = &self.data[y * self.width * 4..(y + 1) * self.width * 4];
        for (((p, r), g), b) in row.chunks_exact(4).zip(r).zip(g).zip(b) {
            *r = p[0] as f32 * (1.0 / 255.0);
            *g = p[1] as f32 * (1.0 / 255.0);
            *b = p[2] as f32 * (1.0 / 255.0);
        }
    }
}

#[inline(always)]
fn weights(fx: u32, fy: u32) -> (u32, u32, u32, u32) {
    (
        (256 - fx) * (256 - fy),
        fx * (256 - fy),
        (256 - fx) * fy,
        fx * fy,
    )
}

/// A 16-bit RGB frame (HDR layers). Filtered in `f32`.
pub(crate) struct Rgb16<'a> {
    data: &'a [u16],
    width: usize,
    height: usize,
}

impl<'a> Rgb16<'a> {
    pub fn new(data: &'a [u16], width: usize, height: usize) -> Rgb16<'a> {
        debug_assert_eq!(data.len(), width * height * 3);
        Rgb16 {
            data,
            width,
            height,
        }
    }

    #[inline(always)]
    fn at(&self, x: u32, y: u32, channel: usize) -> f32 {
        self.data[(y as usize * self.width + x as usize) * 3 + channel] as f32
    }
}

const U16_TO_UNIT: f32 = 1.0 / 65535.0;

impl Source for Rgb16<'_> {
    fn width(&self) -> usize {
        self.width
    }

    fn height(&self) -> usize {
        self.height
    }

    #[inline(always)]
    fn sample_at(&self, x: Coord, y: Coord) -> [f32; 3] {
        [
            self.channel_at(x, y, 0),
            self.channel_at(x, y, 1),
            self.channel_at(x, y, 2),
        ]
    }

    #[inline(always)]
    fn channel_at(&self, x: Coord, y: Coord, channel: usize) -> f32 {
        let (fx, fy) = (x.frac(), y.frac());
        let top = lerp(
            self.at(x.i0, y.i0, channel),
            self.at(x.i1, y.i0, channel),
            fx,
        );
        let bottom = lerp(
            self.at(x.i0, y.i1, channel),
            self.at(x.i1, y.i1, channel),
            fx,
        );
        lerp(top, bottom, fy) * U16_TO_UNIT
    }

    fn channel_row(&self, y: usize, channel: usize, out: &mut [f32]) {
        let row = &self.data[y * self.width * 3..(y + 1) * self.width * 3];
        for (o, p) in out.iter_mut().zip(row.chunks_exact(3)) {
            *o = p[channel] as f32 * U16_TO_UNIT;
        }
    }

    fn row_rgb(&self, y: usize, r: &mut [f32], g: &mut [f32], b: &mut [f32]) {
        let row = &self.data[y * self.width * 3..(y + 1) * self.width * 3];
        for (((p, r), g), b) in row.chunks_exact(3).zip(r).zip(g).zip(b) {
            *r = p[0] as f32 * U16_TO_UNIT;
            *g = p[1] as f32 * U16_TO_UNIT;
            *b = p[2] as f32 * U16_TO_UNIT;
        }
    }
}

#[inline(always)]
pub(crate) fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

/// Bilinear samples of `source` at the [`pack_texels`] positions `(xs[i], ys[i])`, into the
/// planes `r`, `g`, `b`.
pub(crate) fn gather_rgb<S: Source>(source: &S, xs: &[f32], ys: &[f32], rgb: [&mut [f32]; 3]) {
    source.gather_rgb(xs, ys, rgb);
}

/// One channel of `source` at the [`pack_texels`] positions `(xs[i], ys[i])`.
pub(crate) fn gather_channel<S: Source>(
    source: &S,
    xs: &[f32],
    ys: &[f32],
    channel: usize,
    out: &mut [f32],
) {
    source.gather_channel(xs, ys, channel, out);
}

/// The length the positions and planes of a gather share: the shortest of them.
fn common_len(xs: &[f32], ys: &[f32], planes: &[&mut [f32]]) -> usize {
    planes
        .iter()
        .map(|plane| plane.len())
        .fold(xs.len().min(ys.len()), usize::min)
}

/// [`Source::gather_rgb`] one sample at a time: the definition.
fn gather_rgb_scalar<S: Source + ?Sized>(source: &S, xs: &[f32], ys: &[f32], rgb: [&mut [f32]; 3]) {
    let (w, h) = (source.width(), source.height());
    let n = common_len(xs, ys, &rgb);
    let [r, g, b] = rgb;
    for i in 0..n {
        let rgb = source.sample_at(Coord::from_packed(xs[i], w), Coord::from_packed(ys[i], h));
        [r[i], g[i], b[i]] = rgb;
    }
}

/// [`Source::gather_channel`] one sample at a time: the definition.
fn gather_channel_scalar<S: Source + ?Sized>(
    source: &S,
    xs: &[f32],
    ys: &[f32],
    channel: usize,
    out: &mut [f32],
) {
    let (w, h) = (source.width(), source.height());
    let n = xs.len().min(ys.len()).min(out.len());
    for i in 0..n {
        out[i] = source.channel_at(
            Coord::from_packed(xs[i], w),
            Coord::from_packed(ys[i], h),
            channel,
        );
    }
}

/// Bilinear sampling of an 8-bit frame with AVX2 gathers.
#[cfg(target_arch = "x86_64")]
mod avx2;

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift32 generator: the same pseudo-random numbers on every run.
    fn xorshift(mut state: u32) -> impl FnMut() -> u32 {
        move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        }
    }

    /// Red, green and blue gathered at the packed positions `(xs, ys)` by the fast path and
    /// one sample at a time are the same bits.
    fn assert_rgb_gathers_match(frame: &Rgba8, xs: &[f32], ys: &[f32]) {
        let n = xs.len();
        let gathered = |gather: &dyn Fn([&mut [f32]; 3])| {
            let mut planes = [vec![0.0f32; n], vec![0.0f32; n], vec![0.0f32; n]];
            let [r, g, b] = &mut planes;
            gather([r, g, b]);
            planes
        };
        let slow = gathered(&|rgb| gather_rgb_scalar(frame, xs, ys, rgb));
        assert!(gathered(&|rgb| frame.gather_rgb(xs, ys, rgb)) == slow);
        assert!(gathered(&|rgb| frame.gather_rgb_scattered(xs, ys, rgb)) == slow);
    }

    #[test]
    fn the_sse2_filter_is_the_integer_filter() {
        // A frame of pseudo-random bytes, sampled at pseudo-random positions and weights.
        let (w, h) = (37, 23);
        let mut next = xorshift(0x2545_f491);
        let data: Vec<u8> = (0..w * h * 4).map(|_| next() as u8).collect();
        let frame = Rgba8::new(&data, w, h);
        for _ in 0..20_000 {
            let tx = (next() % 4000) as f32 / 4000.0 * (w as f32 + 2.0) - 1.0;
            let ty = (next() % 4000) as f32 / 4000.0 * (h as f32 + 2.0) - 1.0;
            let (x, y) = (Coord::from_texel(tx, w), Coord::from_texel(ty, h));
            assert_eq!(
                frame.sample_at(x, y),
                frame.sample_at_scalar(x, y),
                "{tx} {ty}"
            );
        }
    }

    #[test]
    fn the_vectorised_gathers_are_the_sample_by_sample_ones() {
        let (w, h) = (53, 29);
        let mut next = xorshift(0x1234_5678);
        let data: Vec<u8> = (0..w * h * 4).map(|_| next() as u8).collect();
        let frame = Rgba8::new(&data, w, h);
        // An odd length leaves a tail for the scalar path; positions run past every edge.
        let n = 1003;
        let mut position =
            |size: usize| (next() % 4000) as f32 / 4000.0 * (size as f32 + 4.0) - 2.0;
        let mut xs: Vec<f32> = (0..n).map(|_| position(w)).collect();
        let mut ys: Vec<f32> = (0..n).map(|_| position(h)).collect();
        // The second half: rows shifted sideways by a fraction of a texel, whose runs of
        // eight samples read texels directly, up to and past the last column.
        for i in n / 2..n {
            let shift = (i / 64) as f32 * 0.37 - 3.0;
            xs[i] = (i % 64) as f32 + shift;
            ys[i] = (i / 64 % h) as f32 + 0.25;
        }
        pack_texels(&mut xs, w);
        pack_texels(&mut ys, h);
        assert_rgb_gathers_match(&frame, &xs, &ys);
        for channel in 0..3 {
            let (mut fast, mut slow) = (vec![0.0f32; n], vec![0.0f32; n]);
            frame.gather_channel(&xs, &ys, channel, &mut fast);
            gather_channel_scalar(&frame, &xs, &ys, channel, &mut slow);
            assert!(fast == slow, "channel {channel}");
        }
    }

    #[test]
    fn a_one_texel_wide_frame_is_gathered_like_any_other() {
        // No texel has a right-hand neighbour: the pair reads are not used.
        let data: Vec<u8> = (0..7 * 4).map(|i| (i * 37 % 251) as u8).collect();
        let frame = Rgba8::new(&data, 1, 7);
        let mut xs: Vec<f32> = (0..40).map(|i| i as f32 * 0.13 - 1.0).collect();
        let mut ys: Vec<f32> = (0..40).map(|i| i as f32 * 0.21 - 1.0).collect();
        pack_texels(&mut xs, 1);
        pack_texels(&mut ys, 7);
        assert_rgb_gathers_match(&frame, &xs, &ys);
    }

    #[test]
    fn packed_positions_are_the_direct_ones() {
        let mut coords: Vec<f32> = (0..2000).map(|i| i as f32 * 0.0517 - 3.0).collect();
        let direct: Vec<(u32, u32, u32)> = coords
            .iter()
            .map(|&t| Coord::from_texel(t, 90))
            .map(|c| (c.i0, c.i1, c.fixed))
            .collect();
        pack_texels(&mut coords, 90);
        for (&packed, &expected) in coords.iter().zip(&direct) {
            let c = Coord::from_packed(packed, 90);
            assert_eq!((c.i0, c.i1, c.fixed), expected);
        }
    }
}
