use std::path::Path;
use std::process::Command;

use super::*;
use crate::{decode_video_rgb, rgb_to_yuv420};

const WIDTH: u32 = 64;
const HEIGHT: u32 = 48;
const SQUARE: u32 = 16;

fn settings(fps_num: u32, fps_den: u32) -> EncoderSettings {
    EncoderSettings {
        width: WIDTH,
        height: HEIGHT,
        fps_num,
        fps_den,
        preset: "medium".to_owned(),
        crf: 10,
    }
}

/// Frame `index`: a distinct flat background with a white square moving right one step a frame.
fn synthetic_rgb(index: u32) -> Vec<u8> {
    let background = [
        (index * 8 % 200 + 30) as u8,
        (255 - index * 7 % 200) as u8,
        (index * 53 % 180 + 40) as u8,
    ];
    let square_x = index % (WIDTH - SQUARE);
    let mut rgb = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let in_square =
                (square_x..square_x + SQUARE).contains(&x) && (16..16 + SQUARE).contains(&y);
            rgb.extend_from_slice(if in_square { &[255; 3] } else { &background });
        }
    }
    rgb
}

fn encode_synthetic(path: &Path, settings: &EncoderSettings, frames: u32) -> EncodeSummary {
    let mut encoder = VideoEncoder::create(path, settings).expect("should create the encoder");
    let mut yuv = Yuv420Frame::new(WIDTH, HEIGHT);
    for index in 0..frames {
        rgb_to_yuv420(&synthetic_rgb(index), WIDTH, HEIGHT, &mut yuv);
        encoder.push(&yuv).expect("should encode the frame");
    }
    encoder.finish().expect("should finish the file")
}

fn mean_abs_error(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let sum: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.len() as f64
}

#[test]
fn round_trip_at_ntsc_rate_keeps_count_timing_and_colour() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("round-trip.mp4");
    let summary = encode_synthetic(&path, &settings(30000, 1001), 30);
    assert_eq!(summary.frames, 30);

    let video = decode_video_rgb(&path).expect("should decode what we wrote");
    assert_eq!((video.width, video.height), (WIDTH, HEIGHT));
    assert_eq!((video.fps_num, video.fps_den), (30000, 1001));
    assert_eq!(video.codec_name, "h264");
    assert_eq!(video.pixel_format, "yuv420p");
    assert_eq!(video.color_space, "bt709");
    assert_eq!(video.frames.len(), 30);
    let expected_duration = 30.0 * 1001.0 / 30000.0;
    assert!(
        (video.duration_secs - expected_duration).abs() < 0.001,
        "duration {} ≠ {expected_duration}",
        video.duration_secs
    );
    for (index, (frame, pts)) in video.frames.iter().zip(&video.pts_secs).enumerate() {
        let expected_pts = index as f64 * 1001.0 / 30000.0;
        assert!(
            (pts - expected_pts).abs() < 1e-6,
            "frame {index}: pts {pts} ≠ {expected_pts}"
        );
        let error = mean_abs_error(frame, &synthetic_rgb(index as u32));
        assert!(error < 3.0, "frame {index}: mean abs error {error}");
    }
    // Spot-check absolute colour in the middle of the background and of the square.
    let frame = &video.frames[5];
    let pixel = |x: u32, y: u32| {
        let at = ((y * WIDTH + x) * 3) as usize;
        [frame[at], frame[at + 1], frame[at + 2]]
    };
    let source = synthetic_rgb(5);
    let background = [source[0], source[1], source[2]];
    for (actual, expected) in [(pixel(50, 40), background), (pixel(5 + 8, 24), [255; 3])] {
        for (a, e) in actual.iter().zip(expected) {
            assert!(a.abs_diff(e) <= 3, "{actual:?} vs {expected:?}");
        }
    }
}

#[test]
fn integer_rate_duration_is_exact() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("thirty.mp4");
    encode_synthetic(&path, &settings(30, 1), 10);
    let video = decode_video_rgb(&path).expect("should decode");
    assert_eq!((video.fps_num, video.fps_den), (30, 1));
    assert_eq!(video.frames.len(), 10);
    assert!(
        (video.duration_secs - 10.0 / 30.0).abs() < 0.001,
        "{}",
        video.duration_secs
    );
}

/// Checks the file with the ffprobe CLI, the tool users will reach for, when it is installed.
#[test]
fn ffprobe_sees_bt709_limited_range_and_exact_timing() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("probe.mp4");
    encode_synthetic(&path, &settings(30000, 1001), 30);
    let Ok(output) = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-count_frames"])
        .args(["-show_entries", "format=duration:stream=nb_frames,nb_read_frames,r_frame_rate,avg_frame_rate,color_range,color_space,color_transfer,color_primaries,pix_fmt"])
        .args(["-of", "default=noprint_wrappers=1"])
        .arg(&path)
        .output()
    else {
        eprintln!("ffprobe is not installed; skipping");
        return;
    };
    let report = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "pix_fmt=yuv420p",
        "color_range=tv",
        "color_space=bt709",
        "color_transfer=bt709",
        "color_primaries=bt709",
        "r_frame_rate=30000/1001",
        "avg_frame_rate=30000/1001",
        "nb_frames=30",
        "nb_read_frames=30",
        "duration=1.001000",
    ] {
        assert!(
            report.lines().any(|line| line == expected),
            "missing {expected} in:\n{report}"
        );
    }
}

#[test]
fn mp4_index_is_at_the_front() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("faststart.mp4");
    encode_synthetic(&path, &settings(30, 1), 3);
    let bytes = std::fs::read(&path).expect("should read the file");
    let position = |tag: &[u8]| bytes.windows(4).position(|w| w == tag);
    let (moov, mdat) = (position(b"moov"), position(b"mdat"));
    assert!(
        moov.is_some() && moov < mdat,
        "moov at {moov:?}, mdat at {mdat:?}"
    );
}

#[test]
fn missing_directory_is_an_error_naming_the_path() {
    let path = Path::new("/nonexistent-framecast-dir/out.mp4");
    let error = VideoEncoder::create(path, &settings(30, 1))
        .err()
        .expect("should fail");
    assert!(
        error
            .to_string()
            .contains("/nonexistent-framecast-dir/out.mp4"),
        "{error}"
    );
}

#[test]
fn unknown_extension_is_an_error() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("out.mp4.partial");
    let error = VideoEncoder::create(&path, &settings(30, 1))
        .err()
        .expect("should fail");
    assert!(
        matches!(error, MediaError::UnknownContainer { .. }),
        "{error}"
    );
}

#[test]
fn bad_settings_are_errors() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("out.mp4");
    let odd = EncoderSettings {
        width: 63,
        ..settings(30, 1)
    };
    let zero_rate = settings(0, 1);
    let bad_preset = EncoderSettings {
        preset: "warp-speed".to_owned(),
        ..settings(30, 1)
    };
    for settings in [odd, zero_rate, bad_preset] {
        let error = VideoEncoder::create(&path, &settings)
            .err()
            .expect("should fail");
        assert!(error.to_string().contains("out.mp4"), "{error}");
    }
}

#[test]
fn wrong_frame_size_is_an_error() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let mut encoder =
        VideoEncoder::create(&dir.path().join("out.mp4"), &settings(30, 1)).expect("should create");
    let error = encoder
        .push(&Yuv420Frame::new(32, 32))
        .expect_err("size differs");
    assert!(
        matches!(error, MediaError::FrameSize { index: 0, .. }),
        "{error}"
    );
}

#[test]
fn dropping_without_finish_does_not_panic() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let mut encoder =
        VideoEncoder::create(&dir.path().join("out.mp4"), &settings(30, 1)).expect("should create");
    encoder
        .push(&Yuv420Frame::new(WIDTH, HEIGHT))
        .expect("should encode");
    drop(encoder);
    let untouched = VideoEncoder::create(&dir.path().join("empty.mp4"), &settings(30, 1))
        .expect("should create");
    drop(untouched);
}

#[test]
fn sizes_with_padded_rows_round_trip() {
    // 70 is not a multiple of FFmpeg's row alignment, so every plane has padding to skip.
    let (width, height) = (70, 38);
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("padded.mp4");
    let settings = EncoderSettings {
        width,
        height,
        ..settings(25, 1)
    };
    let mut encoder = VideoEncoder::create(&path, &settings).expect("should create");
    // Left half one colour, right half another, so a misplaced row or plane shows.
    let rgb: Vec<u8> = (0..height)
        .flat_map(|_| (0..width).flat_map(|x| if x < 36 { [200, 40, 60] } else { [30, 90, 220] }))
        .collect();
    let mut yuv = Yuv420Frame::new(width, height);
    rgb_to_yuv420(&rgb, width, height, &mut yuv);
    for _ in 0..3 {
        encoder.push(&yuv).expect("should encode");
    }
    assert_eq!(encoder.finish().expect("should finish").frames, 3);
    let video = decode_video_rgb(&path).expect("should decode");
    assert_eq!(
        (video.width, video.height, video.frames.len()),
        (width, height, 3)
    );
    for frame in &video.frames {
        let error = mean_abs_error(frame, &rgb);
        assert!(error < 3.0, "mean abs error {error}");
    }
}
