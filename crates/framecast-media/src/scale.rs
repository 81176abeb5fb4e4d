//! Moving pixels between framecast's packed frames and FFmpeg's strided `AVFrame`s, and the
//! swscale contexts that convert between pixel formats with explicit colour matrices (swscale
//! assumes BT.601 unless told otherwise).

use ffmpeg_next::{
    self as ffmpeg, color, ffi, format, frame,
    software::scaling::{self, Flags},
};

use crate::frame::RgbaFrame;

/// Converts any decoded video frame to packed RGBA (full range; YUV sources are taken as
/// BT.709, which is what framecast's own outputs and most sources are tagged).
pub(crate) fn video_frame_to_rgba(input: &frame::Video) -> Result<RgbaFrame, ffmpeg::Error> {
    let (width, height) = (input.width(), input.height());
    let mut rgba = RgbaFrame::new(width, height);
    let row = width as usize * 4;
    if input.format() == format::Pixel::RGBA {
        copy_rows_out(input, 0, row, &mut rgba.data);
        return Ok(rgba);
    }
    // The matrix and range follow the frame's tags; untagged frames are BT.709 from 720 lines
    // up and BT.601 below, as players assume.
    let matrix = match input.color_space() {
        color::Space::BT709 => ffi::SWS_CS_ITU709,
        color::Space::BT2020NCL | color::Space::BT2020CL => ffi::SWS_CS_BT2020,
        color::Space::BT470BG | color::Space::SMPTE170M => ffi::SWS_CS_ITU601,
        _ if height >= 720 => ffi::SWS_CS_ITU709,
        _ => ffi::SWS_CS_ITU601,
    };
    let full_range = input.color_range() == color::Range::JPEG
        || matches!(
            input.format(),
            format::Pixel::YUVJ420P | format::Pixel::YUVJ422P | format::Pixel::YUVJ444P
        );
    let mut scaler = yuv_scaler(
        input.format(),
        format::Pixel::RGBA,
        width as usize,
        height as usize,
        matrix,
        full_range,
    )?;
    let mut converted = frame::Video::empty();
    scaler.run(input, &mut converted)?;
    copy_rows_out(&converted, 0, row, &mut rgba.data);
    Ok(rgba)
}

/// Copies plane `plane` of `frame` (with its stride) into tightly packed rows of `row` bytes.
pub(crate) fn copy_rows_out(frame: &frame::Video, plane: usize, row: usize, out: &mut [u8]) {
    let stride = frame.stride(plane);
    for (source, target) in frame
        .data(plane)
        .chunks(stride)
        .zip(out.chunks_exact_mut(row))
    {
        target.copy_from_slice(&source[..row]);
    }
}

/// Copies tightly packed rows of `row` bytes into plane `plane` of `frame`.
pub(crate) fn copy_rows_in(data: &[u8], row: usize, frame: &mut frame::Video, plane: usize) {
    let stride = frame.stride(plane);
    for (source, target) in data
        .chunks_exact(row)
        .zip(frame.data_mut(plane).chunks_mut(stride))
    {
        target[..row].copy_from_slice(source);
    }
}

/// A same-size swscale context whose YUV side is limited-range BT.709 (swscale assumes BT.601).
pub(crate) fn bt709_scaler(
    from: format::Pixel,
    to: format::Pixel,
    width: usize,
    height: usize,
) -> Result<scaling::Context, ffmpeg::Error> {
    yuv_scaler(from, to, width, height, ffi::SWS_CS_ITU709, false)
}

/// A same-size swscale context whose YUV side uses `matrix` (an `SWS_CS_*` constant) and is
/// limited range unless `yuv_full_range`.
pub(crate) fn yuv_scaler(
    from: format::Pixel,
    to: format::Pixel,
    width: usize,
    height: usize,
    matrix: i32,
    yuv_full_range: bool,
) -> Result<scaling::Context, ffmpeg::Error> {
    let flags = Flags::POINT | Flags::ACCURATE_RND | Flags::FULL_CHR_H_INT | Flags::BITEXACT;
    let mut scaler = scaling::Context::get(
        from,
        width as u32,
        height as u32,
        to,
        width as u32,
        height as u32,
        flags,
    )?;
    let is_rgb = |pixel: format::Pixel| {
        pixel.descriptor().is_some_and(|descriptor| {
            // SAFETY: the descriptor points at FFmpeg's static table entry.
            (unsafe { (*descriptor.as_ptr()).flags } & ffi::AV_PIX_FMT_FLAG_RGB as u64) != 0
        })
    };
    // SAFETY: the scaler is live; sws_getCoefficients returns a pointer to a static table.
    let status = unsafe {
        let coefficients = ffi::sws_getCoefficients(matrix);
        ffi::sws_setColorspaceDetails(
            scaler.as_mut_ptr(),
            coefficients,
            i32::from(is_rgb(from) || yuv_full_range),
            coefficients,
            i32::from(is_rgb(to) || yuv_full_range),
            0,
            1 << 16,
            1 << 16,
        )
    };
    if status < 0 {
        return Err(ffmpeg::Error::from(status));
    }
    Ok(scaler)
}
