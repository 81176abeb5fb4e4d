use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

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
    Finished {
        frames: u64,
        seconds: f64,
        fps: f64,
        output: String,
    },
}

/// Set once to stop a render cleanly: workers stop, Chrome is closed, no output is published.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
