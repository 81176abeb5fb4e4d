use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use framecast_composition::Fps;

use crate::remote::RemotePolicy;

/// The quality presets a user picks from, HyperFrames' (`packages/cli/src/commands/render/plan.ts`
/// and the engine's `ENCODER_PRESETS`): x264 preset and CRF, and the JPEG quality Chrome
/// captures with. `delivery` is another name for [`High`](Quality::High).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quality {
    /// ultrafast, CRF 28.
    Draft,
    /// medium, CRF 18.
    Standard,
    /// medium, CRF 16: HyperFrames' default.
    #[default]
    Looks,
    /// slow, CRF 15.
    High,
}

impl Quality {
    pub fn x264_preset(self) -> &'static str {
        match self {
            Quality::Draft => "ultrafast",
            Quality::Standard | Quality::Looks => "medium",
            Quality::High => "slow",
        }
    }

    pub fn crf(self) -> u8 {
        match self {
            Quality::Draft => 28,
            Quality::Standard => 18,
            Quality::Looks => 16,
            Quality::High => 15,
        }
    }

    /// HyperFrames captures at 80 for draft and 100 otherwise (`resolveCaptureJpegQuality`).
    pub fn jpeg_quality(self) -> u8 {
        match self {
            Quality::Draft => 80,
            Quality::Standard | Quality::Looks | Quality::High => 100,
        }
    }
}

/// How many Chrome capture workers to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerCount {
    Auto,
    Fixed(NonZeroUsize),
}

/// How Chrome is run: shared by renders, snapshots, the preview's exact frames and regress.
#[derive(Debug, Clone)]
pub struct BrowserSettings {
    pub chrome_path: PathBuf,
    /// The longest a single seek or capture may take before the frame is declared hung.
    pub frame_timeout: Duration,
    /// The longest the page may take to load fonts, images and timelines.
    pub ready_timeout: Duration,
    /// Let the page reach the network. Without it, any request other than the composition's
    /// own files, known CDN scripts (served locally) and the outside assets its files name
    /// (fetched before the render, see `remote.rs`) fails the render.
    pub allow_network: bool,
    /// How many times a worker may replace a Chrome that died or hung before the render fails.
    pub max_restarts: usize,
    /// Where the outside assets the composition names come from, and whether one that cannot
    /// be fetched stops the render.
    pub remote: RemotePolicy,
}

impl Default for BrowserSettings {
    fn default() -> Self {
        BrowserSettings {
            chrome_path: PathBuf::from(framecast_browser::DEFAULT_CHROME_PATH),
            frame_timeout: Duration::from_secs(30),
            ready_timeout: Duration::from_secs(30),
            allow_network: false,
            max_restarts: 2,
            remote: RemotePolicy::default(),
        }
    }
}

/// What the user chose for a render, and nothing the pipeline works out: that goes into the
/// [`RenderJob`](crate::RenderJob) built from these options and the loaded composition. Values
/// are taken as valid here (the CLI checks each against its flag); settings that only the
/// composition can judge (a format for its size, a codec for the format) are checked by the job.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// A composition directory (with `index.html`) or an `.html` file.
    pub input: PathBuf,
    /// An `.html` file of the `input` project folder to render instead of its `index.html`,
    /// relative to it; the project folder is still the one served (`--composition`).
    pub entry: Option<PathBuf>,
    pub output: PathBuf,
    /// Overrides the composition's `data-fps`; 30 when neither is given.
    pub fps: Option<Fps>,
    pub quality: Quality,
    /// Overrides the preset's CRF: 0 (lossless) to 51.
    pub crf: Option<u8>,
    /// A target video bitrate in bits per second instead of a CRF (mp4 and webm); excludes
    /// `crf`.
    pub video_bitrate: Option<u64>,
    /// libvpx-vp9's `cpu-used` (-8 to 8, higher is faster) for webm, instead of the preset's.
    pub vp9_cpu_used: Option<i8>,
    /// Render at an integer multiple of the composition's size through Chrome's device scale
    /// factor (`--resolution`).
    pub resolution: Option<crate::Resolution>,
    /// Overrides the preset's JPEG capture quality (1–100), for measuring what a capture costs
    /// and gives.
    pub jpeg_quality: Option<u8>,
    pub workers: WorkerCount,
    pub browser: BrowserSettings,
    /// Shader-transition blends each worker may have in flight while it captures on.
    pub blend_ring: NonZeroUsize,
    /// Frames a worker may run ahead of the encoder (raised when the workers' chunks need more).
    pub reorder_window: usize,
    /// Consecutive frames a worker takes at a time; workers take chunks in turn from a shared
    /// queue.
    pub chunk_frames: usize,
    /// Capture and decode every frame but encode and write nothing: the capture floor that
    /// `scripts/bench` compares a full render against.
    pub discard_output: bool,
    /// Values for the composition's declared variables, a JSON object; the page rejects
    /// unknown names and ill-typed values.
    pub variables: Option<serde_json::Map<String, serde_json::Value>>,
    /// Replace a folder of the output's kind (a PNG sequence, HLS) framecast wrote earlier at
    /// the output; nothing else is ever replaced but a file of the output's own format.
    pub overwrite: bool,
    /// Files the caller read for this render (a variables file): never written.
    pub read_files: Vec<PathBuf>,
    /// Output format and its knobs, audio, the video frame cache; see `media_plan.rs` and
    /// `formats.rs`.
    pub media: MediaOptions,
    /// Render only these frames of the whole video, as one closed-GOP chunk of a chunked render
    /// (`framecast render-chunk`); `None` renders every frame.
    pub frame_range: Option<FrameRange>,
}

/// A part of a video rendered alone: frames `frames` of a video of `total` frames. Every frame
/// keeps its time in the whole video (frame `i` at `i / fps`); the output holds only these
/// frames, starting on a keyframe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameRange {
    pub frames: std::ops::Range<u64>,
    /// The frames of the whole video; the render fails if the page's timing gives another
    /// count, since the chunk would then not belong to its plan.
    pub total: u64,
}

/// How the output is encoded and how the composition's media is handled.
#[derive(Debug, Clone, Default)]
pub struct MediaOptions {
    /// The output format; inferred from the output path's name when `None`.
    pub format: Option<framecast_media::OutputFormat>,
    pub codec: framecast_media::VideoCodec,
    pub gif_loop: framecast_media::GifLoop,
    /// HLS segment length in whole seconds (1–60); `None` means 4, as in HyperFrames. Other
    /// formats ignore it.
    pub hls_segment_seconds: Option<u32>,
    /// Keep transparency (capture PNG over a transparent page background). `None` means the
    /// format's default: on for MOV and PNG sequences, off for WebM, MP4 and GIF.
    pub alpha: Option<bool>,
    pub audio: crate::media_plan::AudioMode,
    pub frame_cache: crate::media_plan::FrameCache,
}

impl RenderOptions {
    pub fn new(input: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Self {
        RenderOptions {
            input: input.into(),
            entry: None,
            output: output.into(),
            fps: None,
            quality: Quality::default(),
            crf: None,
            jpeg_quality: None,
            video_bitrate: None,
            vp9_cpu_used: None,
            resolution: None,
            workers: WorkerCount::Auto,
            browser: BrowserSettings::default(),
            blend_ring: NonZeroUsize::new(2).expect("2 is not zero"),
            reorder_window: 16,
            chunk_frames: 6,
            discard_output: false,
            variables: None,
            overwrite: false,
            read_files: Vec::new(),
            media: MediaOptions::default(),
            frame_range: None,
        }
    }
}
