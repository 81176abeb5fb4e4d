use super::*;

#[test]
fn missing_file_is_an_error_naming_it() {
    let error =
        decode_video_rgb(Path::new("/nonexistent-framecast-dir/in.mp4")).expect_err("no file");
    assert!(
        error
            .to_string()
            .contains("/nonexistent-framecast-dir/in.mp4"),
        "{error}"
    );
}

#[test]
fn garbage_file_is_an_error() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("garbage.mp4");
    std::fs::write(&path, b"not a video at all, just some bytes").expect("should write");
    assert!(decode_video_rgb(&path).is_err());
}

/// Encodes `frames` grey 64x36 frames at 30000/1001 fps.
fn grey_video(path: &Path, frames: u32) {
    let settings = crate::EncoderSettings {
        width: 64,
        height: 36,
        fps_num: 30_000,
        fps_den: 1001,
        preset: "ultrafast".into(),
        crf: 23,
    };
    let mut encoder = crate::VideoEncoder::create(path, &settings).expect("should create");
    let frame = crate::Yuv420Frame::new(64, 36);
    for _ in 0..frames {
        encoder.push(&frame).expect("should encode");
    }
    encoder.finish().expect("should finish");
}

#[test]
fn a_probe_agrees_with_the_full_decode() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("grey.mp4");
    grey_video(&path, 12);
    let probe = probe_video(&path).expect("should probe");
    let decoded = decode_video_rgb(&path).expect("should decode");
    assert_eq!((probe.width, probe.height), (64, 36));
    assert_eq!((probe.fps_num, probe.fps_den), (30_000, 1001));
    assert_eq!(probe.frames, decoded.frames.len() as u64);
    assert_eq!(probe.duration_secs, decoded.duration_secs);
    assert_eq!(
        probe.decoded_rgb_bytes(),
        decoded
            .frames
            .iter()
            .map(|frame| frame.len() as u64)
            .sum::<u64>()
    );
}

#[test]
fn probing_a_file_without_video_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("silence.wav");
    crate::write_wav(&path, &crate::silent_track(480)).expect("should write");
    let error = probe_video(&path).expect_err("a WAV has no video");
    assert!(matches!(error, MediaError::NoVideoStream { .. }), "{error}");
    assert!(error.to_string().contains("silence.wav"), "{error}");
}
