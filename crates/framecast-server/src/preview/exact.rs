//! The player's exact frames: `/__framecast/frame?t=SECONDS` answers with the PNG a render
//! captures at that time, from a [`FrameSource`] the preview's user supplies (the CLI passes
//! one that keeps a capture Chrome warm; this crate does not drive Chrome). Frames are cached
//! per time in a bounded cache, which a change to the project empties.
//!
//! Captures run one at a time. A request waits for its turn cancellably, so a scrub that moved
//! on (the player aborts the request) never starts a capture; a capture once started finishes
//! on its own task, since stopping Chrome mid-command would leave its page in an unknown state.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What the methods of a [`FrameSource`] return.
pub type SourceFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How many frames the cache keeps, and how many bytes at most (a 1080p PNG is about 1–3 MB).
const CACHED_FRAMES: usize = 64;
const CACHED_BYTES: usize = 192 << 20;

/// Why a source has no frame for a time.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrameSourceError {
    /// The time is after the composition's end.
    #[error("no frame at {time} s: the composition is {duration} s long")]
    PastTheEnd { time: f64, duration: f64 },
    /// The capture failed: the composition does not load, Chrome failed. The message says why.
    #[error("{0}")]
    Failed(String),
}

/// Captures frames as a render captures them. The server calls one method at a time.
pub trait FrameSource: Send + Sync + 'static {
    /// The PNG of the frame at `time` seconds (finite, not negative).
    fn capture(&self, time: f64) -> SourceFuture<'_, Result<Arc<Vec<u8>>, FrameSourceError>>;
    /// The project's files changed: later captures must show them as they are now (variables
    /// and the prelude included), so whatever was loaded is thrown away.
    fn invalidate(&self) -> SourceFuture<'_, ()>;
    /// Closes what the source keeps open (Chrome), at shutdown.
    fn close(&self) -> SourceFuture<'_, ()>;
}

/// The cached frames, keyed by time in microseconds, oldest use first.
#[derive(Default)]
struct FrameCache {
    frames: VecDeque<(i64, Arc<Vec<u8>>)>,
    bytes: usize,
}

impl FrameCache {
    fn get(&mut self, key: i64) -> Option<Arc<Vec<u8>>> {
        let at = self.frames.iter().position(|(k, _)| *k == key)?;
        let entry = self
            .frames
            .remove(at)
            .expect("the position should be in range");
        let png = Arc::clone(&entry.1);
        self.frames.push_back(entry);
        Some(png)
    }

    fn insert(&mut self, key: i64, png: Arc<Vec<u8>>) {
        if let Some(at) = self.frames.iter().position(|(k, _)| *k == key) {
            let (_, old) = self
                .frames
                .remove(at)
                .expect("the position should be in range");
            self.bytes -= old.len();
        }
        self.bytes += png.len();
        self.frames.push_back((key, png));
        while self.frames.len() > CACHED_FRAMES
            || (self.bytes > CACHED_BYTES && self.frames.len() > 1)
        {
            let (_, evicted) = self
                .frames
                .pop_front()
                .expect("the cache should not be empty");
            self.bytes -= evicted.len();
        }
    }

    fn clear(&mut self) {
        self.frames.clear();
        self.bytes = 0;
    }
}

/// The source, its cache, and the turn captures wait for.
pub(crate) struct ExactFrames {
    source: Arc<dyn FrameSource>,
    cache: Mutex<FrameCache>,
    /// Held for each call into the source.
    turn: Arc<tokio::sync::Mutex<()>>,
    /// Bumped by every change to the project: a capture that started before one is not cached.
    generation: AtomicU64,
}

impl ExactFrames {
    pub(crate) fn new(source: Arc<dyn FrameSource>) -> Arc<ExactFrames> {
        Arc::new(ExactFrames {
            source,
            cache: Mutex::default(),
            turn: Arc::default(),
            generation: AtomicU64::new(0),
        })
    }

    fn cached(&self, key: i64) -> Option<Arc<Vec<u8>>> {
        self.cache
            .lock()
            .expect("the frame cache lock should not be poisoned")
            .get(key)
    }

    /// The frame at `time`, from the cache or captured now.
    pub(crate) async fn frame(
        self: &Arc<Self>,
        time: f64,
    ) -> Result<Arc<Vec<u8>>, FrameSourceError> {
        let key = (time * 1e6).round() as i64;
        if let Some(png) = self.cached(key) {
            return Ok(png);
        }
        let turn = Arc::clone(&self.turn).lock_owned().await;
        // Another request may have captured it while this one waited.
        if let Some(png) = self.cached(key) {
            return Ok(png);
        }
        let this = Arc::clone(self);
        let capture = tokio::spawn(async move {
            let generation = this.generation.load(Ordering::SeqCst);
            let result = this.source.capture(time).await;
            if let Ok(png) = &result
                && this.generation.load(Ordering::SeqCst) == generation
            {
                this.cache
                    .lock()
                    .expect("the frame cache lock should not be poisoned")
                    .insert(key, Arc::clone(png));
            }
            drop(turn);
            result
        });
        capture.await.unwrap_or_else(|error| {
            Err(FrameSourceError::Failed(format!(
                "the capture failed: {error}"
            )))
        })
    }

    /// Empties the cache and tells the source the files changed; returns once no capture of
    /// the old files is running.
    pub(crate) async fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cache
            .lock()
            .expect("the frame cache lock should not be poisoned")
            .clear();
        let _turn = self.turn.lock().await;
        self.source.invalidate().await;
    }

    pub(crate) async fn close(&self) {
        let _turn = self.turn.lock().await;
        self.source.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_bounded_and_keeps_what_was_used_last() {
        let mut cache = FrameCache::default();
        for key in 0..(CACHED_FRAMES as i64 + 10) {
            cache.insert(key, Arc::new(vec![0; 10]));
            if key == CACHED_FRAMES as i64 - 1 {
                assert!(cache.get(0).is_some(), "frame 0 is used again");
            }
        }
        assert_eq!(cache.frames.len(), CACHED_FRAMES);
        assert_eq!(cache.bytes, CACHED_FRAMES * 10);
        assert!(cache.get(0).is_some(), "the frame used last stays");
        assert!(cache.get(1).is_none(), "the oldest go first");
        cache.insert(1000, Arc::new(vec![0; CACHED_BYTES]));
        assert_eq!(cache.frames.len(), 1, "one huge frame pushes out the rest");
        cache.clear();
        assert_eq!((cache.frames.len(), cache.bytes), (0, 0));
    }
}
