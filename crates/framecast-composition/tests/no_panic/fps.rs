//! `Fps::from_str`, `Fps::new`, `frame_count` and `frame_time` over any input.

use framecast_composition::{Fps, MAX_DURATION_SECS, frame_count};
use proptest::prelude::*;

use crate::root::check_fps;

/// Frame-rate text: edge cases, ratios of any integers, decimals of any float, and noise.
fn fps_text() -> impl Strategy<Value = String> {
    let padding = prop::sample::select(&["", " ", "\t", "\n", "\u{a0}"][..]);
    let body = prop_oneof![
        any::<String>(),
        "[0-9./+eE-]{0,12}",
        (any::<u64>(), any::<u64>()).prop_map(|(a, b)| format!("{a}/{b}")),
        (any::<i64>(), any::<i64>()).prop_map(|(a, b)| format!("{a} / {b}")),
        (0u32..3000, 0u32..3000).prop_map(|(a, b)| format!("{a}/{b}")),
        any::<f64>().prop_map(|value| value.to_string()),
        any::<f64>().prop_map(|value| format!("{value:e}")),
        (0.0f64..1100.0).prop_map(|value| value.to_string()),
        (0.0f64..0.01).prop_map(|value| value.to_string()),
        prop::sample::select(
            &[
                "1e400", "30000/0", "0/0", "NaN", "-0", "inf", "23.976", "29.97", "59.94", "٣٠"
            ][..]
        )
        .prop_map(str::to_string),
    ];
    (padding.clone(), body, padding)
        .prop_map(|(before, body, after)| format!("{before}{body}{after}"))
}

/// A valid frame rate, from any pair of `u32`s the constructor accepts.
fn any_fps() -> impl Strategy<Value = Fps> {
    prop_oneof![(1u32..=1000, 1u32..=1001), (any::<u32>(), any::<u32>()),]
        .prop_filter_map("outside the accepted range", |(num, den)| {
            Fps::new(num, den)
        })
}

/// Any duration, weighted towards the ones a composition can declare.
fn any_duration() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => 0.0..=MAX_DURATION_SECS,
        1 => 0.0f64..1.0,
        1 => any::<f64>(),
    ]
}

proptest! {
    #![proptest_config(crate::config(4096))]

    #[test]
    fn fps_text_gives_a_valid_rate_or_an_error(text in fps_text()) {
        match text.parse::<Fps>() {
            Ok(fps) => {
                check_fps(fps);
                // Display writes what from_str reads back.
                prop_assert_eq!(fps.to_string().parse::<Fps>().ok(), Some(fps));
            }
            Err(error) => prop_assert!(error.to_string().contains(&text), "{}", error),
        }
    }

    #[test]
    fn the_constructor_gives_a_valid_rate_or_none(num in any::<u32>(), den in any::<u32>()) {
        if let Some(fps) = Fps::new(num, den) {
            check_fps(fps);
            prop_assert_eq!(format!("{num}/{den}").parse::<Fps>().ok(), Some(fps));
        }
    }

    #[test]
    fn frame_counts_cover_the_duration(fps in any_fps(), duration in any_duration()) {
        let count = frame_count(duration, fps);
        if !(0.0..=MAX_DURATION_SECS).contains(&duration) {
            // Out of the range a root can declare; only the absence of a panic matters.
            return Ok(());
        }
        let max = MAX_DURATION_SECS * f64::from(Fps::MAX_PER_SECOND) + 1.0;
        prop_assert!((count as f64) <= max, "{} frames", count);
        prop_assert_eq!(count == 0, duration == 0.0, "{} frames for {} s", count, duration);
        // The frames shown reach the end of the duration, give or take the 1e-3 frame that
        // frame_count rounds away, and the last one starts before it ends.
        let frame = fps.frame_time(1);
        let slack = 1e-3 * frame + 1e-9 * duration.max(1.0);
        prop_assert!(fps.frame_time(count) >= duration - slack, "{} frames of {:?} for {} s", count, fps, duration);
        if count > 0 {
            prop_assert!(fps.frame_time(count - 1) < duration + slack, "{} frames of {:?} for {} s", count, fps, duration);
        }
    }

    #[test]
    fn frame_times_are_finite_and_ordered(fps in any_fps(), index in any::<u64>()) {
        let time = fps.frame_time(index);
        prop_assert!(time.is_finite() && time >= 0.0, "frame {} at {}", index, time);
        prop_assert!(fps.frame_time(index.saturating_add(1)) >= time);
    }
}
