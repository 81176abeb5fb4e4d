use std::path::PathBuf;
use std::time::Duration;

use framecast_composition::Fps;

/// The quality presets a user picks from: x264 preset and CRF, and the JPEG quality Chrome
/// captures with (a capture much better than the encoder keeps is wasted time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    Draft,
    Standard,
    High,
}

impl Quality {
    pub fn x264_preset(self) -> &'static str {
        match self {
            Quality::Draft => "ultrafast",
            Quality::Standard => "medium",
            Quality::High => "slow",
        }
    }

    pub fn crf(self) -> u8 {
        match self {
            Quality::Draft => 28,
            Quality::Standard => 18,
            Quality::High => 15,
        }
    }

    pub fn jpeg_quality(self) -> u8 {
        match self {
            Quality::Draft => 70,
            Quality::Standard => 80,
            Quality::High => 95,
        }
    }
}

/// How many Chrome capture workers to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerCount {
    Auto,
    Fixed(usize),
}

/// Everything a render needs to know. Build with [`RenderOptions::new`] and adjust fields.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// A composition directory (with `index.html`) or an `.html` file.
    pub input: PathBuf,
    pub output: PathBuf,
    /// Overrides the composition's `data-fps`; 30 when neither is given.
    pub fps: Option<Fps>,
    pub quality: Quality,
    /// Overrides the preset's CRF.
    pub crf: Option<u8>,
    pub workers: WorkerCount,
    pub chrome_path: PathBuf,
    /// The longest a single seek or capture may take before the frame is declared hung.
    pub frame_timeout: Duration,
    /// The longest the page may take to load fonts, images and timelines.
    pub ready_timeout: Duration,
    /// How many times a worker may replace a Chrome that died or hung before the render fails.
    pub max_restarts: usize,
    /// Frames a worker may run ahead of the encoder.
    pub reorder_window: usize,
    /// Capture and decode every frame but encode and write nothing: the capture floor that
    /// `scripts/bench` compares a full render against.
    pub discard_output: bool,
}

impl RenderOptions {
    pub fn new(input: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Self {
        RenderOptions {
            input: input.into(),
            output: output.into(),
            fps: None,
            quality: Quality::Standard,
            crf: None,
            workers: WorkerCount::Auto,
            chrome_path: PathBuf::from(framecast_browser::DEFAULT_CHROME_PATH),
            frame_timeout: Duration::from_secs(30),
            ready_timeout: Duration::from_secs(30),
            max_restarts: 2,
            reorder_window: 16,
            discard_output: false,
        }
    }
}
