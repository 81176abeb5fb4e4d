//! Chrome's JPEG captures to limited-range BT.709 I420.
//!
//! Chrome writes JFIF JPEGs: full-range BT.601 Y'CbCr. The encoder wants limited-range BT.709, so
//! every capture needs a matrix and range change. When the JPEG is 4:2:0 (Chrome's default),
//! libjpeg-turbo hands us its Y'CbCr planes without any colour conversion and one fixed-point
//! affine pass fixes matrix and range in place. Anything else goes through RGB.

use std::cell::Cell;

use rayon::prelude::*;
use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, Subsamp, YuvImage};

use crate::color::{FRAC_BITS, JfifToBt709, clamp_u8, jfif_to_bt709_limited};
use crate::error::MediaError;
use crate::frame::Yuv420Frame;
use crate::rgb::rgb_to_yuv420;

thread_local! {
    // One libjpeg-turbo handle per thread, so the per-frame path allocates nothing. The values
    // are moved out while in use rather than borrowed: the rayon pass below may run another
    // decode on this same thread while it waits, and a held borrow would then panic.
    static DECOMPRESSOR: Cell<Option<Decompressor>> = const { Cell::new(None) };
    static RGB_SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Decodes a JPEG produced by Chrome (JFIF: full-range BT.601 Y'CbCr) into limited-range BT.709
/// I420, reshaping `out` to the expected size and reusing its allocation.
///
/// The dimensions are checked against what the caller asked Chrome for, since a wrong-sized
/// capture (a viewport that did not apply, a device scale factor) must not reach the encoder.
pub fn decode_jpeg_to_yuv420(
    jpeg: &[u8],
    expected_width: u32,
    expected_height: u32,
    out: &mut Yuv420Frame,
) -> Result<(), MediaError> {
    if expected_width % 2 != 0 || expected_height % 2 != 0 {
        return Err(MediaError::OddDimensions {
            width: expected_width,
            height: expected_height,
        });
    }
    let header = with_decompressor(|d| d.read_header(jpeg))?;
    if (header.width, header.height) != (expected_width as usize, expected_height as usize) {
        return Err(MediaError::JpegSize {
            expected_width,
            expected_height,
            width: header.width,
            height: header.height,
        });
    }
    out.reshape(expected_width, expected_height);
    let (width, height) = (header.width, header.height);

    if header.subsamp == Subsamp::Sub2x2 && header.colorspace == Colorspace::YCbCr {
        // With even dimensions and no row alignment, turbojpeg's planar layout is exactly ours.
        let planes = YuvImage {
            pixels: out.data.as_mut_slice(),
            width,
            align: 1,
            height,
            subsamp: Subsamp::Sub2x2,
        };
        with_decompressor(|d| d.decompress_to_yuv(jpeg, planes))?;
        jfif_to_bt709_in_place(out);
    } else {
        let mut rgb = RGB_SCRATCH.take();
        rgb.resize(width * height * 3, 0);
        let image = Image {
            pixels: rgb.as_mut_slice(),
            width,
            pitch: width * 3,
            height,
            format: PixelFormat::RGB,
        };
        let decoded = with_decompressor(|d| d.decompress(jpeg, image));
        if decoded.is_ok() {
            rgb_to_yuv420(&rgb, expected_width, expected_height, out);
        }
        RGB_SCRATCH.set(rgb);
        decoded?;
    }
    Ok(())
}

/// Runs `f` with this thread's decompressor, creating it on first use.
fn with_decompressor<T>(
    f: impl FnOnce(&mut Decompressor) -> Result<T, turbojpeg::Error>,
) -> Result<T, MediaError> {
    let mut decompressor = match DECOMPRESSOR.take() {
        Some(decompressor) => decompressor,
        None => Decompressor::new().map_err(|source| MediaError::Jpeg { source })?,
    };
    let result = f(&mut decompressor);
    DECOMPRESSOR.set(Some(decompressor));
    result.map_err(|source| MediaError::Jpeg { source })
}

/// Maps full-range BT.601 Y'CbCr planes to limited-range BT.709 in place, one row pair per task.
fn jfif_to_bt709_in_place(frame: &mut Yuv420Frame) {
    let width = frame.width as usize;
    if width == 0 || frame.height == 0 {
        return;
    }
    let coefficients = jfif_to_bt709_limited();
    let (y, u, v) = frame.planes_mut();
    y.par_chunks_mut(2 * width)
        .zip(u.par_chunks_mut(width / 2))
        .zip(v.par_chunks_mut(width / 2))
        .for_each(|((y_rows, u_row), v_row)| {
            jfif_row_pair_to_bt709(&coefficients, y_rows, u_row, v_row);
        });
}

fn jfif_row_pair_to_bt709(c: &JfifToBt709, y_rows: &mut [u8], u_row: &mut [u8], v_row: &mut [u8]) {
    const ROUNDING: i32 = 1 << (FRAC_BITS - 1);
    const LUMA_BIAS: i32 = (16 << FRAC_BITS) + ROUNDING;
    const CHROMA_BIAS: i32 = (128 << FRAC_BITS) + ROUNDING;
    /// Chroma samples per block: small enough for the stack, long enough to vectorise.
    const BLOCK: usize = 64;

    let width = y_rows.len() / 2;
    let (y_top, y_bottom) = y_rows.split_at_mut(width);
    // The four luma samples of a 2x2 block share its chroma sample, so they share the chroma part
    // of the luma correction too. It is computed once per block, widened to one entry per luma
    // column, and the luma loops become straight-line arithmetic the compiler vectorises.
    let mut luma_bias = [0i32; 2 * BLOCK];
    let blocks = u_row.chunks_mut(BLOCK).zip(v_row.chunks_mut(BLOCK)).zip(
        y_top
            .chunks_mut(2 * BLOCK)
            .zip(y_bottom.chunks_mut(2 * BLOCK)),
    );
    for ((u_block, v_block), (top, bottom)) in blocks {
        let bias = &mut luma_bias[..2 * u_block.len()];
        for ((pair, u), v) in bias
            .chunks_exact_mut(2)
            .zip(u_block.iter_mut())
            .zip(v_block.iter_mut())
        {
            let cb = i32::from(*u) - 128;
            let cr = i32::from(*v) - 128;
            let shared = c.y_from_cb * cb + c.y_from_cr * cr + LUMA_BIAS;
            pair[0] = shared;
            pair[1] = shared;
            *u = clamp_u8((c.u_from_cb * cb + c.u_from_cr * cr + CHROMA_BIAS) >> FRAC_BITS);
            *v = clamp_u8((c.v_from_cb * cb + c.v_from_cr * cr + CHROMA_BIAS) >> FRAC_BITS);
        }
        for row in [top, bottom] {
            for (y, &shared) in row.iter_mut().zip(bias.iter()) {
                *y = clamp_u8((c.y_from_y * i32::from(*y) + shared) >> FRAC_BITS);
            }
        }
    }
}

#[cfg(test)]
mod tests;

/// Decodes a JPEG capture to packed RGBA (alpha 255), for pixel work that needs RGB, such as
/// blending the two scene captures of a shader transition. Checks the size like
/// [`decode_jpeg_to_yuv420`].
pub fn decode_jpeg_to_rgba(
    jpeg: &[u8],
    expected_width: u32,
    expected_height: u32,
) -> Result<crate::RgbaFrame, MediaError> {
    let image = turbojpeg::decompress(jpeg, PixelFormat::RGBA)
        .map_err(|source| MediaError::Jpeg { source })?;
    if (image.width, image.height) != (expected_width as usize, expected_height as usize) {
        return Err(MediaError::JpegSize {
            width: image.width,
            height: image.height,
            expected_width,
            expected_height,
        });
    }
    let row = image.width * 4;
    let mut data = Vec::with_capacity(row * image.height);
    for y in 0..image.height {
        data.extend_from_slice(&image.pixels[y * image.pitch..y * image.pitch + row]);
    }
    Ok(crate::RgbaFrame {
        width: expected_width,
        height: expected_height,
        data,
    })
}
