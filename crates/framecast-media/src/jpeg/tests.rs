use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

use super::*;

/// Smooth gradients over every channel: no edges, nothing out of gamut after JPEG.
fn gradient_image(width: usize, height: usize) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let r = (x * 255 / (width - 1)) as u8;
            let g = (y * 255 / (height - 1)) as u8;
            rgb.extend_from_slice(&[r, g, 255 - r / 2]);
        }
    }
    rgb
}

/// Gradients in the top half, flat colour blocks aligned to the 2x2 chroma grid below.
fn test_image(width: usize, height: usize) -> Vec<u8> {
    const BLOCK_COLOURS: [[u8; 3]; 8] = [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 0],
        [0, 255, 255],
        [255, 0, 255],
        [255, 255, 255],
        [40, 40, 40],
    ];
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let pixel = if y < height / 2 {
                let r = (x * 255 / (width - 1)) as u8;
                let g = (y * 255 / (height / 2)) as u8;
                [r, g, 255 - r / 2]
            } else {
                BLOCK_COLOURS[(x / 16 + y / 16) % BLOCK_COLOURS.len()]
            };
            rgb.extend_from_slice(&pixel);
        }
    }
    rgb
}

fn compress(rgb: &[u8], width: usize, height: usize, subsamp: Subsamp) -> Vec<u8> {
    let mut compressor = Compressor::new().expect("should create a compressor");
    compressor.set_quality(95).expect("should set quality");
    compressor
        .set_subsamp(subsamp)
        .expect("should set subsampling");
    let image = Image {
        pixels: rgb,
        width,
        pitch: width * 3,
        height,
        format: PixelFormat::RGB,
    };
    compressor.compress_to_vec(image).expect("should compress")
}

struct PlaneError {
    mean: f64,
    max: u8,
}

fn plane_error(actual: &[u8], expected: &[u8]) -> PlaneError {
    assert_eq!(actual.len(), expected.len());
    let diffs = actual.iter().zip(expected).map(|(a, e)| a.abs_diff(*e));
    let (sum, max) = diffs.fold((0u64, 0u8), |(sum, max), d| {
        (sum + u64::from(d), max.max(d))
    });
    PlaneError {
        mean: sum as f64 / actual.len() as f64,
        max,
    }
}

fn assert_frames_close(actual: &Yuv420Frame, expected: &Yuv420Frame, max_mean: f64, max_max: u8) {
    let planes = [
        ("Y", actual.y(), expected.y()),
        ("U", actual.u(), expected.u()),
        ("V", actual.v(), expected.v()),
    ];
    for (name, a, e) in planes {
        let error = plane_error(a, e);
        eprintln!(
            "{name}: mean abs error {:.3}, max {}",
            error.mean, error.max
        );
        assert!(
            error.mean < max_mean,
            "{name} mean abs error {} ≥ {max_mean}",
            error.mean
        );
        assert!(
            error.max <= max_max,
            "{name} max error {} > {max_max}",
            error.max
        );
    }
}

/// Decodes a JPEG of the test image and compares it with converting the source pixels directly.
/// Saturated colour edges ring after JPEG's chroma subsampling and quantisation, so the maximum
/// error depends on the subsampling; the mean stays small for all of them.
fn check_against_source(subsamp: Subsamp, max_error: u8) {
    let (width, height) = (160, 90);
    let rgb = test_image(width, height);
    let jpeg = compress(&rgb, width, height, subsamp);

    let mut expected = Yuv420Frame::new(2, 2);
    rgb_to_yuv420(&rgb, width as u32, height as u32, &mut expected);
    let mut decoded = Yuv420Frame::new(2, 2);
    decode_jpeg_to_yuv420(&jpeg, width as u32, height as u32, &mut decoded)
        .expect("should decode the JPEG");
    assert_eq!((decoded.width, decoded.height), (160, 90));
    assert_frames_close(&decoded, &expected, 2.0, max_error);
}

#[test]
fn fast_path_4_2_0_matches_source_conversion() {
    check_against_source(Subsamp::Sub2x2, 24);
}

#[test]
fn rgb_path_4_4_4_matches_source_conversion() {
    check_against_source(Subsamp::None, 4);
}

#[test]
fn rgb_path_4_2_2_matches_source_conversion() {
    check_against_source(Subsamp::Sub2x1, 32);
}

#[test]
fn fast_path_agrees_with_rgb_decode_of_the_same_jpeg() {
    // Same compressed data both ways, so this isolates the colour math from JPEG loss. A smooth
    // image, because at saturated edges the RGB route clamps out-of-gamut ringing that the
    // direct route keeps, and neither is more right there.
    let (width, height) = (160, 90);
    let jpeg = compress(
        &gradient_image(width, height),
        width,
        height,
        Subsamp::Sub2x2,
    );
    let decoded_rgb = turbojpeg::decompress(&jpeg, PixelFormat::RGB).expect("should decode to RGB");
    let mut expected = Yuv420Frame::new(2, 2);
    rgb_to_yuv420(
        &decoded_rgb.pixels,
        width as u32,
        height as u32,
        &mut expected,
    );
    let mut fast = Yuv420Frame::new(2, 2);
    decode_jpeg_to_yuv420(&jpeg, width as u32, height as u32, &mut fast).expect("should decode");
    assert_frames_close(&fast, &expected, 1.0, 4);
}

#[test]
fn flat_white_and_black_map_exactly() {
    for (level, expected_y) in [(255, 235), (0, 16)] {
        let rgb = vec![level; 32 * 16 * 3];
        let jpeg = compress(&rgb, 32, 16, Subsamp::Sub2x2);
        let mut frame = Yuv420Frame::new(2, 2);
        decode_jpeg_to_yuv420(&jpeg, 32, 16, &mut frame).expect("should decode");
        assert!(frame.y().iter().all(|&y| y == expected_y), "level {level}");
        assert!(
            frame.u().iter().chain(frame.v()).all(|&c| c == 128),
            "level {level}"
        );
    }
}

#[test]
fn decoding_is_deterministic_and_reuses_the_frame() {
    let (width, height) = (64, 32);
    let jpeg = compress(&test_image(width, height), width, height, Subsamp::Sub2x2);
    let mut first = Yuv420Frame::new(1920, 1080);
    decode_jpeg_to_yuv420(&jpeg, 64, 32, &mut first).expect("should decode");
    assert_eq!(first.data.len(), 64 * 32 * 3 / 2);
    let mut second = Yuv420Frame::new(64, 32);
    decode_jpeg_to_yuv420(&jpeg, 64, 32, &mut second).expect("should decode");
    assert_eq!(first, second);
}

#[test]
fn garbage_is_an_error() {
    let mut frame = Yuv420Frame::new(2, 2);
    let error = decode_jpeg_to_yuv420(b"definitely not a jpeg", 64, 32, &mut frame)
        .expect_err("garbage should not decode");
    assert!(matches!(error, MediaError::Jpeg { .. }), "{error}");

    let jpeg = compress(&test_image(64, 32), 64, 32, Subsamp::Sub2x2);
    let truncated = &jpeg[..jpeg.len() / 3];
    // libjpeg-turbo may treat a truncated scan as a warning and fill the rest with grey; either
    // way this must neither panic nor leave the frame the wrong size.
    if decode_jpeg_to_yuv420(truncated, 64, 32, &mut frame).is_ok() {
        assert_eq!((frame.width, frame.height), (64, 32));
    }
}

#[test]
fn wrong_size_is_an_error_naming_both_sizes() {
    let jpeg = compress(&test_image(64, 32), 64, 32, Subsamp::Sub2x2);
    let mut frame = Yuv420Frame::new(2, 2);
    let error = decode_jpeg_to_yuv420(&jpeg, 1920, 1080, &mut frame).expect_err("size differs");
    let message = error.to_string();
    assert!(
        message.contains("64x32") && message.contains("1920x1080"),
        "{message}"
    );
}

#[test]
fn odd_expected_size_is_an_error() {
    let jpeg = compress(&test_image(63, 32), 63, 32, Subsamp::Sub2x2);
    let mut frame = Yuv420Frame::new(2, 2);
    let error = decode_jpeg_to_yuv420(&jpeg, 63, 32, &mut frame).expect_err("odd width");
    assert!(matches!(error, MediaError::OddDimensions { .. }), "{error}");
}
