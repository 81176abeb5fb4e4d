use super::*;

const RATE: u32 = 48_000;

/// A 2 s stereo tone that is loud only in `bursts` (start, end) seconds, with a quiet bed.
fn bursts(bursts: &[(f64, f64)]) -> Vec<f32> {
    (0..2 * RATE)
        .map(|i| {
            let t = f64::from(i) / f64::from(RATE);
            let loud = bursts
                .iter()
                .any(|(start, end)| (*start..*end).contains(&t));
            let amplitude = if loud { 0.8 } else { 0.05 };
            (amplitude * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as f32
        })
        .collect()
}

/// Writes 16-bit stereo PCM WAV, both channels equal.
fn write_wav(path: &Path, samples: &[f32]) {
    let data_len = (samples.len() * 4) as u32;
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
    bytes.extend_from_slice(&2u16.to_le_bytes()); // channels
    bytes.extend_from_slice(&RATE.to_le_bytes());
    bytes.extend_from_slice(&(RATE * 4).to_le_bytes());
    bytes.extend_from_slice(&4u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    for sample in samples {
        let value = (sample * 32767.0) as i16;
        bytes.extend_from_slice(&value.to_le_bytes());
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_decoded_file_has_the_envelope_of_its_samples() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tone.wav");
    let samples = bursts(&[(0.5, 1.0)]);
    write_wav(&path, &samples);
    let decoded = decode_envelope(&path).unwrap().expect("a WAV has audio");
    assert_eq!(decoded.sample_rate, RATE);
    // 2 s in 32 ms windows.
    assert_eq!(decoded.rms.len(), 63);
    let loud = decoded.rms[20]; // 0.64 s
    let quiet = decoded.rms[40]; // 1.28 s
    // The level depends on the stereo-to-mono mix (FFmpeg's downmix may scale the sum); the
    // ratio between a loud and a quiet window does not.
    assert!((0.35..=0.85).contains(&loud), "{loud}");
    assert!((loud / quiet - 16.0).abs() < 0.5, "{loud} / {quiet}");
    let expected = envelope_of(&samples, RATE);
    let (correlation, lag) = best_correlation(&expected.rms, &decoded.rms, 1);
    assert!(correlation > 0.999, "{correlation}");
    assert_eq!(lag, 0);
}

#[test]
fn a_late_track_is_found_at_its_lag() {
    // Two-window bursts on window boundaries (a window is 32 ms), and the same two windows late.
    let golden = envelope_of(&bursts(&[(0.256, 0.320), (1.024, 1.088)]), RATE);
    let late = envelope_of(&bursts(&[(0.320, 0.384), (1.088, 1.152)]), RATE);
    let (correlation, lag) = best_correlation(&golden.rms, &late.rms, 3);
    assert_eq!(lag, 2);
    assert!(correlation > 0.99, "{correlation}");
    let (within_one, _) = best_correlation(&golden.rms, &late.rms, 1);
    assert!(within_one < 0.6, "{within_one}");
}

#[test]
fn different_tracks_correlate_poorly() {
    let golden = envelope_of(&bursts(&[(0.2, 0.5)]), RATE);
    let other = envelope_of(&bursts(&[(1.2, 1.8)]), RATE);
    let (correlation, _) = best_correlation(&golden.rms, &other.rms, 1);
    assert!(correlation < 0.2, "{correlation}");
}

#[test]
fn silence_matches_silence_only() {
    let silence = vec![0.0; 50];
    assert_eq!(best_correlation(&silence, &silence, 1).0, 1.0);
    let tone = envelope_of(&bursts(&[(0.2, 0.5)]), RATE);
    assert_eq!(best_correlation(&silence, &tone.rms[..50], 1).0, 0.0);
}
