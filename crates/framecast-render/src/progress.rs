use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tokio::sync::Notify;

/// What a render reports as it goes. The CLI turns these into a progress bar or, with `--json`,
/// one JSON object per line.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressEvent {
    Planned {
        width: u32,
        height: u32,
        fps: String,
        duration: f64,
        frames: u64,
        workers: usize,
        capture: String,
    },
    Frame {
        encoded: u64,
        total: u64,
    },
    /// A worker's Chrome died or hung; its remaining frames go to a fresh Chrome.
    WorkerRestarted {
        worker: usize,
        frame: u64,
        reason: String,
    },
    Finished {
        frames: u64,
        seconds: f64,
        fps: f64,
        output: String,
    },
}

/// Set once to stop a render cleanly: workers stop (even in the middle of a frame), Chrome is
/// closed, no output is published.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<CancelState>);

#[derive(Debug, Default)]
struct CancelState {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelFlag {
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Resolves once the render is cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}
