use super::*;

fn clip(start: f64, duration: Option<f64>, volume: f32, looped: bool) -> AudioClip {
    AudioClip {
        element: "<audio>".to_string(),
        path: PathBuf::from("unused.wav"),
        start,
        media_start: 0.0,
        duration,
        volume,
        rate: 1.0,
        looped,
        envelope: None,
    }
}

#[test]
fn a_clip_lands_at_its_start_with_its_gain() {
    let segment = vec![1.0f32; 10 * AUDIO_CHANNELS];
    let mut mix = vec![0.0f32; 48_000 * AUDIO_CHANNELS];
    assert!(place(&clip(0.5, None, 0.25, false), &segment, &mut mix));
    let first = 24_000 * AUDIO_CHANNELS;
    assert_eq!(mix[first - 1], 0.0);
    assert_eq!(&mix[first..first + 20], &[0.25; 20]);
    assert_eq!(mix[first + 20], 0.0);
}

#[test]
fn a_looped_clip_repeats_until_its_duration_ends() {
    let segment: Vec<f32> = (0..4).flat_map(|i| [i as f32, -(i as f32)]).collect();
    let mut mix = vec![0.0f32; 48_000 * AUDIO_CHANNELS];
    let duration = 10.0 / f64::from(AUDIO_RATE);
    assert!(place(
        &clip(0.0, Some(duration), 1.0, true),
        &segment,
        &mut mix
    ));
    let left: Vec<f32> = mix.iter().step_by(2).take(12).copied().collect();
    assert_eq!(left, [0., 1., 2., 3., 0., 1., 2., 3., 0., 1., 0., 0.]);
}

#[test]
fn the_limiter_leaves_anything_at_or_below_full_scale_untouched() {
    let mut quiet: Vec<f32> = (0..9600).map(|i| (i as f32 * 0.01).sin()).collect();
    let before = quiet.clone();
    limit_above_full_scale(&mut quiet);
    assert_eq!(quiet, before);

    let mut loud: Vec<f32> = (0..96_000).map(|i| 1.6 * (i as f32 * 0.05).sin()).collect();
    limit_above_full_scale(&mut loud);
    let peak = loud.iter().fold(0.0f32, |peak, s| peak.max(s.abs()));
    assert!(peak <= 1.0 && peak > 0.95, "{peak}");
}

#[test]
fn audio_length_follows_the_video_exactly() {
    assert_eq!(audio_frames_for_video(90, 30, 1), 144_000);
    assert_eq!(audio_frames_for_video(30_000, 30_000, 1001), 48_048_000);
}

#[test]
fn an_envelope_interpolates_between_samples_and_holds_at_the_ends() {
    let envelope = VolumeEnvelope::new(vec![1.0, 2.0, 3.0], vec![1.0, 0.0, 0.5]).unwrap();
    assert_eq!(envelope.at(0.0), 1.0);
    assert_eq!(envelope.at(1.0), 1.0);
    assert_eq!(envelope.at(1.25), 0.75);
    assert_eq!(envelope.at(2.0), 0.0);
    assert_eq!(envelope.at(2.5), 0.25);
    assert_eq!(envelope.at(9.0), 0.5);
    assert_eq!(envelope.peak(), 1.0);
    assert!(VolumeEnvelope::new(vec![1.0, 1.0], vec![0.0, 0.0]).is_none());
    assert!(VolumeEnvelope::new(vec![], vec![]).is_none());
}

#[test]
fn an_envelope_replaces_the_clip_volume_sample_by_sample() {
    let segment = vec![1.0f32; 48_000 * AUDIO_CHANNELS];
    let mut mix = vec![0.0f32; 48_000 * AUDIO_CHANNELS];
    let mut fading = clip(0.0, None, 0.0, false);
    // Full until 0.25 s, down to silence at 0.75 s.
    fading.envelope = VolumeEnvelope::new(vec![0.25, 0.75], vec![1.0, 0.0]);
    assert!(fading.audible());
    assert!(place(&fading, &segment, &mut mix));
    let left = |seconds: f64| mix[(seconds * 48_000.0) as usize * AUDIO_CHANNELS];
    assert_eq!(left(0.1), 1.0);
    assert!((left(0.5) - 0.5).abs() < 1e-4, "{}", left(0.5));
    assert!(left(0.6) < left(0.5) && left(0.6) > 0.0);
    assert_eq!(left(0.8), 0.0);

    let mut silent = clip(0.0, None, 1.0, false);
    silent.envelope = VolumeEnvelope::new(vec![0.0], vec![0.0]);
    assert!(!silent.audible(), "the envelope replaces data-volume");
}
