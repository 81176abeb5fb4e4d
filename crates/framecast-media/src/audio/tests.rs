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
