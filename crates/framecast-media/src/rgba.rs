//! Straight-alpha RGBA frames: what PNG captures decode to, and what the alpha-keeping outputs
//! (VP9 with alpha, ProRes 4444, PNG sequences, GIF) are encoded from. PNG decoding and encoding
//! use FFmpeg's own PNG codec, so no second image library is needed.

use ffmpeg_next::{self as ffmpeg, Packet, codec, color, ffi, format, frame};

use crate::error::MediaError;
use crate::ffmpeg_setup::init_ffmpeg;

/// Packed 8-bit RGBA, straight (not premultiplied) alpha, `width * height * 4` bytes with no row
/// padding. Any size, odd ones included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaFrame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl RgbaFrame {
    /// A fully transparent frame.
    pub fn new(width: u32, height: u32) -> Self {
        RgbaFrame {
            width,
            height,
            data: vec![0; width as usize * height as usize * 4],
        }
    }

    /// The RGBA value at (x, y).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let offset = (y as usize * self.width as usize + x as usize) * 4;
        let p = &self.data[offset..offset + 4];
        [p[0], p[1], p[2], p[3]]
    }
}

/// Decodes a PNG (Chrome's capture, or any PNG FFmpeg reads) to RGBA, checking its size against
/// what the caller asked for.
pub fn decode_png_to_rgba(
    png: &[u8],
    expected_width: u32,
    expected_height: u32,
) -> Result<RgbaFrame, MediaError> {
    let decoded = decode_png(png)?;
    if (decoded.width, decoded.height) != (expected_width, expected_height) {
        return Err(MediaError::ImageSize {
            expected_width,
            expected_height,
            width: decoded.width,
            height: decoded.height,
        });
    }
    Ok(decoded)
}

/// Decodes a PNG of any size to RGBA.
pub fn decode_png(png: &[u8]) -> Result<RgbaFrame, MediaError> {
    init_ffmpeg();
    let image_error = |what| move |source| MediaError::Image { what, source };
    let codec = ffmpeg::decoder::find(codec::Id::PNG).ok_or(MediaError::MissingCodec {
        name: "png (decoder)",
    })?;
    let mut decoder = codec::context::Context::new_with_codec(codec)
        .decoder()
        .video()
        .map_err(image_error("opening the PNG decoder"))?;
    decoder
        .send_packet(&Packet::copy(png))
        .map_err(image_error("decoding a PNG"))?;
    decoder.send_eof().map_err(image_error("decoding a PNG"))?;
    let mut decoded = frame::Video::empty();
    decoder
        .receive_frame(&mut decoded)
        .map_err(image_error("decoding a PNG"))?;
    video_frame_to_rgba(&decoded).map_err(image_error("converting a PNG to RGBA"))
}

/// Encodes RGBA to a PNG with FFmpeg's encoder.
pub fn encode_png(image: &RgbaFrame) -> Result<Vec<u8>, MediaError> {
    init_ffmpeg();
    let image_error = |what| move |source| MediaError::Image { what, source };
    let codec = ffmpeg::encoder::find(codec::Id::PNG).ok_or(MediaError::MissingCodec {
        name: "png (encoder)",
    })?;
    let mut config = codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(image_error("setting up the PNG encoder"))?;
    config.set_width(image.width);
    config.set_height(image.height);
    config.set_format(format::Pixel::RGBA);
    config.set_time_base((1, 1));
    let mut encoder = config
        .open()
        .map_err(image_error("opening the PNG encoder"))?;
    let mut input = frame::Video::new(format::Pixel::RGBA, image.width, image.height);
    copy_rows_in(&image.data, image.width as usize * 4, &mut input, 0);
    input.set_pts(Some(0));
    encoder
        .send_frame(&input)
        .map_err(image_error("encoding a PNG"))?;
    encoder.send_eof().map_err(image_error("encoding a PNG"))?;
    let mut packet = Packet::empty();
    encoder
        .receive_packet(&mut packet)
        .map_err(image_error("encoding a PNG"))?;
    Ok(packet.data().map(<[u8]>::to_vec).unwrap_or_default())
}

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
    let mut scaler = crate::container::yuv_scaler(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trips_with_alpha_and_odd_sizes() {
        let mut image = RgbaFrame::new(7, 5);
        for (index, pixel) in image.data.chunks_exact_mut(4).enumerate() {
            pixel.copy_from_slice(&[index as u8 * 7, 255 - index as u8, 40, index as u8 * 5]);
        }
        let png = encode_png(&image).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert_eq!(decode_png_to_rgba(&png, 7, 5).unwrap(), image);
        assert!(matches!(
            decode_png_to_rgba(&png, 8, 5),
            Err(MediaError::ImageSize { width: 7, .. })
        ));
    }
}
