use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Hands out the frames of a render in chunks of consecutive frames, lowest first, to whichever
/// worker asks next. Every worker stays close to the encoder's cursor, so a bounded reorder
/// window never stalls one worker behind another's range, and a worker that meets slow frames
/// simply takes fewer chunks. Within a chunk a worker captures consecutive frames, so it can still
/// recognise a frame that did not change.
#[derive(Debug)]
pub(crate) struct FrameQueue {
    next: AtomicU64,
    end: u64,
    chunk: u64,
}

impl FrameQueue {
    pub(crate) fn new(frames: Range<u64>, chunk: usize) -> Self {
        FrameQueue {
            next: AtomicU64::new(frames.start),
            end: frames.end,
            chunk: chunk.max(1) as u64,
        }
    }

    /// The next chunk, or `None` once every frame has been handed out.
    pub(crate) fn take(&self) -> Option<Range<u64>> {
        let start = self.next.fetch_add(self.chunk, Ordering::Relaxed);
        (start < self.end).then(|| start..(start + self.chunk).min(self.end))
    }
}

/// The reorder window a render needs: at least `configured`, and room for every worker's chunk
/// twice over, so no worker waits on admission while the frame at the cursor is being captured.
pub(crate) fn window_capacity(configured: usize, workers: usize, chunk: usize) -> usize {
    configured.max(2 * workers.max(1) * chunk.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_hands_out_every_frame_once_in_order_of_asking() {
        for (frames, chunk) in [(0..0, 4), (0..1, 4), (3..17, 4), (0..300, 6), (4..150, 1)] {
            let queue = FrameQueue::new(frames.clone(), chunk);
            let mut seen = Vec::new();
            while let Some(range) = queue.take() {
                assert!(range.end - range.start <= chunk as u64, "{range:?}");
                seen.extend(range);
            }
            assert_eq!(seen, frames.clone().collect::<Vec<_>>());
            assert_eq!(queue.take(), None, "an emptied queue stays empty");
        }
    }

    #[test]
    fn concurrent_takers_share_the_frames_without_overlap() {
        let queue = std::sync::Arc::new(FrameQueue::new(0..1000, 7));
        let takers: Vec<_> = (0..4)
            .map(|_| {
                let queue = std::sync::Arc::clone(&queue);
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    while let Some(range) = queue.take() {
                        mine.extend(range);
                    }
                    mine
                })
            })
            .collect();
        let mut all: Vec<u64> = takers
            .into_iter()
            .flat_map(|taker| taker.join().unwrap())
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn the_window_fits_every_worker_twice() {
        assert_eq!(window_capacity(16, 1, 6), 16);
        assert_eq!(window_capacity(16, 2, 6), 24);
        assert_eq!(window_capacity(4, 3, 8), 48);
    }

    #[test]
    fn plan_uses_exact_frame_times() {
        let plan = FramePlan::new(320, 180, Fps::new(30, 1).unwrap(), 2.0);
        assert_eq!(plan.frame_count, 60);
        assert_eq!(plan.frame_time(59), 59.0 / 30.0);
    }
}
