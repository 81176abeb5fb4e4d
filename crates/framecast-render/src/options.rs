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
    /// Shader-transition blends each worker may have in flight while it captures on.
    pub blend_ring: usize,
    /// Frames a worker may run ahead of the encoder (raised when the workers' chunks need more).
    pub reorder_window: usize,
    /// Consecutive frames a worker takes at a time; workers take chunks in turn from a shared
    /// queue.
    pub chunk_frames: usize,
    /// Capture and decode every frame but encode and write nothing: the capture floor that
    /// `scripts/bench` compares a full render against.
    pub discard_output: bool,
    /// Let the page reach the network (`--allow-network`). Without it, any request other than
    /// the composition's own files (and known CDN scripts, served locally) fails the render.
    pub allow_network: bool,
    /// Values for the composition's declared variables (`--variables`), a JSON object; the page
    /// rejects unknown names and ill-typed values.
    pub variables: Option<serde_json::Value>,
    /// Replace a PNG sequence framecast wrote earlier at the output (`--overwrite`); nothing
    /// else is ever replaced but a file of the output's own format.
    pub overwrite: bool,
    /// Files the caller read for this render (a `--variables-file`): never written.
    pub read_files: Vec<PathBuf>,
    /// Output format and its knobs (`--format`, `--codec`, `--gif-loop`, `--alpha`, audio,
    /// the video frame cache); see `media_plan.rs` and `formats.rs`.
    pub media: MediaOptions,
}

/// How the output is encoded and how the composition's media is handled.
#[derive(Debug, Clone, Default)]
pub struct MediaOptions {
    /// The output format; inferred from the output path's extension when `None`.
    pub format: Option<framecast_media::OutputFormat>,
    pub codec: framecast_media::VideoCodec,
    pub gif_loop: framecast_media::GifLoop,
    /// Keep transparency (capture PNG over a transparent page background). `None` means the
    /// format's default: on for MOV and PNG sequences, off for WebM, MP4 and GIF.
    pub alpha: Option<bool>,
    pub audio: crate::media_plan::AudioMode,
    pub frame_cache: crate::media_plan::FrameCache,
    /// Set by the pipeline: the `media` entry of the page config (`runtime-js/media.js`).
    pub(crate) page_config: Option<serde_json::Value>,
    /// Set by the pipeline: capture over a transparent page background.
    pub(crate) transparent: bool,
    /// Set by the pipeline: the resolved output format and the planned media.
    pub(crate) planned: Option<(
        crate::formats::OutputPlan,
        std::sync::Arc<crate::media_plan::MediaPlan>,
    )>,
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
            blend_ring: 2,
            reorder_window: 16,
            chunk_frames: 6,
            discard_output: false,
            allow_network: false,
            variables: None,
            overwrite: false,
            read_files: Vec::new(),
            media: MediaOptions::default(),
        }
    }
}
