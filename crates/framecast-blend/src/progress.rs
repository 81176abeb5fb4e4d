//! Which progress a transition has at a given output frame.

/// The progress in 0..=1 of a transition starting at `time` seconds and lasting `duration`
/// seconds, at output frame `frame` of a video at `fps`.
///
/// Progress is linear over the frames `floor(time * fps) ..= ceil((time + duration) * fps)`:
/// 0 on the first, 1 on the last, clamped outside. HyperFrames' shader also receives linear
/// progress (its eased tween value is overwritten before each draw).
pub fn progress_for_frame(frame: u64, fps: f64, time: f64, duration: f64) -> f32 {
    let (first, last) = frame_bounds(fps, time, duration);
    let frame = frame as f64;
    if last <= first {
        return if frame >= first { 1.0 } else { 0.0 };
    }
    ((frame - first) / (last - first)).clamp(0.0, 1.0) as f32
}

/// The first and last frames (as floats) of a transition window. Times written in decimal are
/// not exact in binary (3.3 s * 30 is 99.00000000000001), so a bound within 1e-6 of a whole
/// frame is that frame, not the next one out.
pub fn frame_bounds(fps: f64, time: f64, duration: f64) -> (f64, f64) {
    const SNAP: f64 = 1e-6;
    (
        (time * fps + SNAP).floor(),
        ((time + duration) * fps - SNAP).ceil(),
    )
}

#[cfg(test)]
mod tests {
    use super::progress_for_frame;

    #[test]
    fn progress_is_linear_between_the_bounding_frames() {
        // 1.0 s at 30 fps is frame 30; 1.5 s is frame 45.
        assert_eq!(progress_for_frame(30, 30.0, 1.0, 0.5), 0.0);
        assert_eq!(progress_for_frame(45, 30.0, 1.0, 0.5), 1.0);
        assert!((progress_for_frame(36, 30.0, 1.0, 0.5) - 0.4).abs() < 1e-6);
        assert_eq!(progress_for_frame(10, 30.0, 1.0, 0.5), 0.0);
        assert_eq!(progress_for_frame(99, 30.0, 1.0, 0.5), 1.0);
    }

    #[test]
    fn fractional_bounds_round_outwards() {
        // 0.51 s * 30 = 15.3 -> first frame 15; 1.02 s * 30 = 30.6 -> last frame 31.
        assert_eq!(progress_for_frame(15, 30.0, 0.51, 0.51), 0.0);
        assert_eq!(progress_for_frame(31, 30.0, 0.51, 0.51), 1.0);
        assert!((progress_for_frame(23, 30.0, 0.51, 0.51) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn a_zero_length_transition_is_a_cut() {
        assert_eq!(progress_for_frame(29, 30.0, 1.0, 0.0), 0.0);
        assert_eq!(progress_for_frame(30, 30.0, 1.0, 0.0), 1.0);
    }
}
