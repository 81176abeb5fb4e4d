use super::*;
use crate::{AUDIO_RATE, AudioTrack, write_wav};

/// 0.5 s of a 440 Hz tone, at `left` in the left channel and `right` in the right.
fn tone(left: f32, right: f32) -> AudioTrack {
    let frames = AUDIO_RATE as usize / 2;
    let samples = (0..frames)
        .flat_map(|n| {
            let t = n as f64 / f64::from(AUDIO_RATE);
            let wave = (2.0 * std::f64::consts::PI * 440.0 * t).sin() as f32;
            [wave * left, wave * right]
        })
        .collect();
    AudioTrack::new(samples)
}

fn read(path: &Path, layout: SampleLayout) -> (u32, Vec<f32>) {
    let reader = AudioStreamReader::open(path, layout)
        .expect("should open")
        .expect("should have audio");
    let rate = reader.sample_rate();
    let mut samples = Vec::new();
    reader
        .read_all(|chunk| samples.extend_from_slice(chunk))
        .expect("should decode");
    (rate, samples)
}

#[test]
fn stereo_comes_back_as_written() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("tone.wav");
    let track = tone(0.5, -0.25);
    write_wav(&path, &track).expect("should write");
    let (rate, samples) = read(&path, SampleLayout::Stereo);
    assert_eq!(rate, AUDIO_RATE);
    assert_eq!(samples.len(), track.samples().len());
    for (decoded, written) in samples.iter().zip(track.samples()) {
        // The WAV holds 16-bit samples.
        assert!(
            (decoded - written).abs() <= 1.0 / 32_767.0,
            "{decoded} {written}"
        );
    }
}

#[test]
fn mono_is_one_channel_following_the_source() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("tone.wav");
    let track = tone(0.5, 0.5);
    write_wav(&path, &track).expect("should write");
    let (rate, samples) = read(&path, SampleLayout::Mono);
    assert_eq!(rate, AUDIO_RATE);
    assert_eq!(samples.len(), track.frames());
    // FFmpeg's downmix scales the channels' sum; the waveform's shape is kept.
    let scale = samples[100] / track.samples()[200];
    assert!((0.4..=2.1).contains(&scale), "{scale}");
    for (decoded, pair) in samples.iter().zip(track.samples().chunks_exact(2)) {
        assert!(
            (decoded - pair[0] * scale).abs() < 1e-3,
            "{decoded} {}",
            pair[0]
        );
    }
}

#[test]
fn a_file_without_audio_is_none_and_a_missing_one_an_error() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("video.mp4");
    let settings = crate::EncoderSettings {
        width: 16,
        height: 16,
        fps_num: 30,
        fps_den: 1,
        preset: "ultrafast".into(),
        crf: 23,
    };
    let mut encoder = crate::VideoEncoder::create(&path, &settings).expect("should create");
    encoder
        .push(&crate::Yuv420Frame::new(16, 16))
        .expect("should encode");
    encoder.finish().expect("should finish");
    assert!(
        AudioStreamReader::open(&path, SampleLayout::Mono)
            .expect("should open")
            .is_none()
    );
    let missing = dir.path().join("missing.wav");
    let error = AudioStreamReader::open(&missing, SampleLayout::Mono)
        .err()
        .expect("a missing file is an error");
    assert!(error.to_string().contains("missing.wav"), "{error}");
}
