use std::ops::Range;

use framecast_composition::{Fps, frame_count};

/// What will be rendered: the exact frame rate, the number of frames, and each frame's time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FramePlan {
    pub width: u32,
    pub height: u32,
    pub fps: Fps,
    pub duration: f64,
    pub frame_count: u64,
}

impl FramePlan {
    pub fn new(width: u32, height: u32, fps: Fps, duration: f64) -> Self {
        FramePlan {
            width,
            height,
            fps,
            duration,
            frame_count: frame_count(duration, fps),
        }
    }

    pub fn frame_time(&self, index: u64) -> f64 {
        self.fps.frame_time(index)
    }
}

/// Splits `0..frames` into `parts` contiguous ranges of nearly equal length (the first ones one
/// frame longer when it does not divide). Contiguous ranges let each worker reuse its previous
/// frame when Chrome reports no damage.
pub fn split_ranges(frames: u64, parts: usize) -> Vec<Range<u64>> {
    let parts = (parts.max(1) as u64).min(frames.max(1));
    let base = frames / parts;
    let extra = frames % parts;
    let mut start = 0;
    (0..parts)
        .map(|part| {
            let length = base + u64::from(part < extra);
            let range = start..start + length;
            start += length;
            range
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_every_frame_once_in_order() {
        for frames in [0u64, 1, 2, 7, 60, 150, 301] {
            for parts in 1..6 {
                let ranges = split_ranges(frames, parts);
                let flat: Vec<u64> = ranges.iter().flat_map(|range| range.clone()).collect();
                assert_eq!(
                    flat,
                    (0..frames).collect::<Vec<_>>(),
                    "{frames} frames in {parts}"
                );
                let lengths: Vec<u64> =
                    ranges.iter().map(|range| range.end - range.start).collect();
                let spread = lengths.iter().max().unwrap() - lengths.iter().min().unwrap();
                assert!(spread <= 1, "{lengths:?}");
            }
        }
    }

    #[test]
    fn plan_uses_exact_frame_times() {
        let plan = FramePlan::new(320, 180, Fps::new(30, 1).unwrap(), 2.0);
        assert_eq!(plan.frame_count, 60);
        assert_eq!(plan.frame_time(59), 59.0 / 30.0);
    }
}
