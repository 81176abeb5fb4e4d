//! PNG decoding and encoding with FFmpeg's own PNG codec, so no second image library is needed:
//! Chrome's PNG captures decode to [`RgbaFrame`]s, and `<video>` frames with alpha are written as
//! PNG files.

use ffmpeg_next::{self as ffmpeg, Packet, codec, format, frame};

use crate::error::MediaError;
use crate::ffmpeg_setup::init_ffmpeg;
use crate::frame::RgbaFrame;
use crate::scale::{copy_rows_in, video_frame_to_rgba};

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
