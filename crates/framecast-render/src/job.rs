//! The render job: everything a render resolves before Chrome starts, built by one function from
//! what the user chose ([`RenderOptions`]) and the loaded composition: the frame rate, the output
//! plan, the encoder settings, the media plan, the Chrome launch plan and page configuration,
//! the scheduling knobs, what the render reads and where it writes. The stages take the parts
//! they use; nothing is written back into the options. What only the page can tell (a duration
//! left to the timeline, the shader transitions) is planned from the first page, in
//! [`crate::pipeline`].

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use framecast_browser::LaunchOptions;
use framecast_browser::remote::RemoteAssets;
use framecast_composition::{Composition, Fps, PageConfig, PageMedia};
use framecast_media::{
    DEFAULT_HLS_SEGMENT_SECONDS, GifLoop, OutputFormat, OutputSettings, VideoCodec,
};

use crate::formats::{OutputPlan, OutputRequest};
use crate::media_plan::{AudioMode, MediaPlan};
use crate::publish::{OutputKind, PendingOutput, ReadSet};
use crate::{BrowserSettings, FramePlan, RenderError, RenderOptions, Setting, WorkerCount};

/// The frame rate when neither the user nor the composition names one.
pub(crate) const DEFAULT_FPS: Fps = Fps { num: 30, den: 1 };

/// A render resolved and checked, ready to start Chrome. Built with [`RenderJob::build`].
#[derive(Debug)]
pub(crate) struct RenderJob {
    pub(crate) composition: Composition,
    pub(crate) fps: Fps,
    /// Output pixels per CSS pixel (`--resolution`): the frame plan is the composition's size
    /// times this, and Chrome's device scale factor.
    pub(crate) scale: u32,
    pub(crate) output: OutputPlan,
    pub(crate) encoding: Encoding,
    pub(crate) media: Arc<MediaPlan>,
    pub(crate) launch: LaunchPlan,
    pub(crate) schedule: Schedule,
    pub(crate) audio: AudioMode,
    /// What the render reads and so must never write; grows with the files the page loads.
    pub(crate) reads: ReadSet,
    /// Where the output is written, checked against the output rule.
    pub(crate) pending: PendingOutput,
    /// Capture and decode, but encode and write nothing (the benchmark's capture floor).
    pub(crate) discard_output: bool,
    /// Only these frames, as a closed-GOP chunk (`RenderOptions::frame_range`).
    pub(crate) frame_range: Option<crate::FrameRange>,
}

/// The encoder's settings that do not depend on the page.
#[derive(Debug, Clone)]
pub(crate) struct Encoding {
    pub preset: &'static str,
    pub crf: u8,
    /// A target bitrate (bits per second) in place of the CRF.
    pub bitrate: Option<u64>,
    pub vp9_cpu_used: Option<i8>,
    pub codec: VideoCodec,
    pub gif_loop: GifLoop,
    pub hls_segment_seconds: u32,
    /// Encode a closed-GOP chunk of a chunked render (`framecast_media::OutputSettings`).
    pub segment: bool,
}

impl Encoding {
    /// The encoder settings for an output plan and frame plan.
    pub(crate) fn settings(&self, output: &OutputPlan, plan: &FramePlan) -> OutputSettings {
        OutputSettings {
            format: output.format,
            codec: self.codec,
            alpha: output.alpha,
            width: plan.width,
            height: plan.height,
            fps_num: plan.fps.num,
            fps_den: plan.fps.den,
            preset: self.preset.to_string(),
            crf: self.crf,
            bitrate: self.bitrate,
            vp9_cpu_used: self.vp9_cpu_used,
            gif_loop: self.gif_loop,
            hls_segment_seconds: self.hls_segment_seconds,
            segment: self.segment,
        }
    }
}

/// How work is spread over the workers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schedule {
    pub workers: WorkerCount,
    pub reorder_window: usize,
    pub chunk_frames: usize,
}

/// How each Chrome worker is started and its page configured: everything of a
/// [`crate::worker::WorkerRecipe`] but the URL, which the file server decides.
#[derive(Debug, Clone)]
pub(crate) struct LaunchPlan {
    pub launch: LaunchOptions,
    /// Chrome processes shared with other renders of a batch (chrome_pool.rs).
    pub pool: Option<Arc<crate::ChromePool>>,
    /// The script run before the page runtime (`window.__framecastConfig`).
    pub prelude: String,
    /// Capture over a transparent page background.
    pub transparent: bool,
    pub ready_timeout: std::time::Duration,
    pub max_restarts: usize,
    pub blend_ring: NonZeroUsize,
}

/// What a render adds to the page's configuration beyond the composition's own.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageSettings {
    pub variables: Option<serde_json::Map<String, serde_json::Value>>,
    /// The frame rate the user asked for, overriding `data-fps`.
    pub fps: Option<Fps>,
    /// The `media` entry for `runtime-js/media.js`.
    pub media: Option<PageMedia>,
}

impl LaunchPlan {
    pub(crate) fn new(
        composition: &Composition,
        browser: &BrowserSettings,
        page: &PageSettings,
        transparent: bool,
        blend_ring: NonZeroUsize,
        remote: Arc<RemoteAssets>,
    ) -> LaunchPlan {
        let mut launch = LaunchOptions::new(composition.root.width, composition.root.height);
        launch.chrome_path = browser.chrome_path.clone();
        launch.step_timeout = browser.frame_timeout;
        launch.allow_network = browser.allow_network;
        launch.remote = Arc::clone(&remote);
        LaunchPlan {
            launch,
            pool: None,
            prelude: render_prelude(composition, browser, page, &remote),
            transparent,
            ready_timeout: browser.ready_timeout,
            max_restarts: browser.max_restarts,
            blend_ring,
        }
    }
}

impl RenderJob {
    /// Loads the composition and resolves the render: format and size checks, the frame rate,
    /// the media probed (an unreadable file fails here, naming it), and the output checked
    /// against the output rule. Nothing here starts Chrome.
    pub(crate) fn build(options: &RenderOptions) -> Result<RenderJob, RenderError> {
        let composition = match &options.entry {
            Some(entry) => Composition::load_entry(&options.input, entry)?,
            None => Composition::load(&options.input)?,
        };
        let root = &composition.root;
        let scale = match options.resolution {
            None => 1,
            Some(resolution) => {
                resolution
                    .scale_for(root.width, root.height)
                    .map_err(|reason| RenderError::Setting {
                        setting: Setting::Resolution,
                        reason,
                    })?
            }
        };
        let output = OutputPlan::resolve(
            &OutputRequest {
                target: &options.output,
                format: options.media.format,
                codec: options.media.codec,
                alpha: options.media.alpha,
                jpeg_quality: options
                    .jpeg_quality
                    .unwrap_or(options.quality.jpeg_quality()),
            },
            root.width * scale,
            root.height * scale,
            &composition.html_path,
        )?;
        check_rate_control(options, output.format)?;
        let fps = options.fps.or(root.fps).unwrap_or(DEFAULT_FPS);
        let remote = Arc::new(crate::remote::gather(&composition, options.browser.remote)?);
        // Every <video>/<audio> is probed before Chrome starts; extracted video frames are
        // served to the page by file name (media_plan.rs).
        let media = Arc::new(MediaPlan::load(
            &composition,
            fps,
            &options.media.frame_cache,
            &remote,
        )?);
        let reads = read_set(options, &composition, &media);
        let pending = PendingOutput::prepare(
            &options.output,
            OutputKind::of(output.format),
            &reads,
            options.overwrite,
        )?;
        let page = PageSettings {
            variables: options.variables.clone(),
            fps: options.fps,
            media: Some(media.media_config()),
        };
        let mut launch = LaunchPlan::new(
            &composition,
            &options.browser,
            &page,
            output.transparent_page(),
            options.blend_ring,
            remote,
        );
        launch.launch.device_scale_factor = f64::from(scale);
        Ok(RenderJob {
            fps,
            scale,
            output,
            encoding: Encoding {
                preset: options.quality.x264_preset(),
                crf: options.crf.unwrap_or(options.quality.crf()),
                bitrate: options.video_bitrate,
                vp9_cpu_used: options.vp9_cpu_used,
                codec: options.media.codec,
                gif_loop: options.media.gif_loop,
                hls_segment_seconds: options
                    .media
                    .hls_segment_seconds
                    .unwrap_or(DEFAULT_HLS_SEGMENT_SECONDS),
                segment: options.frame_range.is_some(),
            },
            media,
            launch,
            schedule: Schedule {
                workers: options.workers,
                reorder_window: options.reorder_window,
                chunk_frames: options.chunk_frames,
            },
            audio: options.media.audio,
            reads,
            pending,
            discard_output: options.discard_output,
            frame_range: options.frame_range.clone(),
            composition,
        })
    }
}

/// `--video-bitrate` excludes `--crf` and needs an encoder with a bitrate mode (mp4, webm,
/// hls);
/// `--vp9-cpu-used` is libvpx-vp9's, so webm only.
fn check_rate_control(options: &RenderOptions, format: OutputFormat) -> Result<(), RenderError> {
    let refuse = |setting, reason: String| Err(RenderError::Setting { setting, reason });
    if let Some(bitrate) = options.video_bitrate {
        if options.crf.is_some() {
            return refuse(
                Setting::RateControl,
                "a target bitrate and --crf exclude each other; give one of them".to_string(),
            );
        }
        if !matches!(
            format,
            OutputFormat::Mp4 | OutputFormat::Webm | OutputFormat::Hls
        ) {
            return refuse(
                Setting::RateControl,
                format!(
                    "a target bitrate ({bitrate} b/s) applies to mp4, webm and hls, not {}",
                    format.name()
                ),
            );
        }
    }
    match options.vp9_cpu_used {
        Some(cpu_used) if format != OutputFormat::Webm => refuse(
            Setting::EncoderOption,
            format!(
                "cpu-used {cpu_used} is a VP9 setting and applies to webm only, not {}",
                format.name()
            ),
        ),
        _ => Ok(()),
    }
}

/// What the render reads, and so must never write: the composition's folder, its entry file,
/// its media sources and the files the caller read for it.
fn read_set(options: &RenderOptions, composition: &Composition, media: &MediaPlan) -> ReadSet {
    let mut reads = ReadSet::for_folder(&composition.dir);
    reads.add_file(&composition.html_path);
    for path in media
        .source_paths()
        .chain(options.read_files.iter().map(PathBuf::as_path))
    {
        reads.add_file(path);
    }
    reads
}

/// The prelude of a render: the page configuration (`window.__framecastConfig`, owned by
/// `framecast-composition`) with what the render adds. The runtime gives up on readiness a
/// little before the renderer does, so its error (which names what it was waiting for) is the
/// one reported.
fn render_prelude(
    composition: &Composition,
    browser: &BrowserSettings,
    page: &PageSettings,
    remote: &RemoteAssets,
) -> String {
    let ready_ms = browser.ready_timeout.as_secs_f64() * 1000.0;
    PageConfig {
        variables: page.variables.clone(),
        fps: page.fps.map(Fps::as_f64),
        ready_timeout_ms: Some((ready_ms - 1000.0).max(ready_ms * 0.8)),
        media: page.media.clone(),
        unavailable_assets: remote.unavailable_urls(),
        ..PageConfig::new(&composition.dir)
    }
    .to_script()
}

/// The times a [`StillsPage`] will be seeked to, which decide the video frames it needs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StillTimes<'a> {
    /// Only these (`framecast snapshot`, lint's in-page pass).
    At(&'a [f64]),
    /// Any time, one after another (the preview's exact frames): every frame a render shows.
    Any,
}

/// A page opened outside a render and seeked only to some times (`framecast snapshot`, lint's
/// in-page pass, the preview's exact frames), set up as a render sets up its pages: outside
/// assets gathered, the media probed and the video frames those times show decoded, served and
/// configured the same way.
pub(crate) struct StillsPage {
    pub(crate) launch: LaunchPlan,
    /// The embedded libraries and the decoded video frames, for the file server.
    pub(crate) vendor: framecast_server::VendorLibraries,
    /// Kept for the page's lifetime (an uncached frame directory is removed with it).
    pub(crate) media: Arc<MediaPlan>,
}

impl StillsPage {
    pub(crate) async fn prepare(
        composition: &Composition,
        browser: &BrowserSettings,
        times: StillTimes<'_>,
    ) -> Result<StillsPage, RenderError> {
        let remote = Arc::new(crate::remote::gather(composition, browser.remote)?);
        let fps = composition.root.fps.unwrap_or(DEFAULT_FPS);
        let media = Arc::new(MediaPlan::load(
            composition,
            fps,
            &crate::FrameCache::default(),
            &remote,
        )?);
        let duration = composition.root.duration;
        if media.has_videos() {
            let media = Arc::clone(&media);
            let wanted: Option<Vec<f64>> = match times {
                StillTimes::At(times) => Some(times.to_vec()),
                StillTimes::Any => None,
            };
            tokio::task::spawn_blocking(move || {
                let _owner = framecast_memory::enter(framecast_memory::Owner::MediaFrames);
                match wanted {
                    Some(times) => media.extract_frames_at(&times),
                    // Without a declared duration, the frames of the first one; the page says the
                    // rest (`StillCamera::start`).
                    None => media.extract_frames(&FramePlan::new(
                        2,
                        2,
                        fps,
                        duration.unwrap_or(fps.frame_time(1)),
                    )),
                }
            })
            .await
            .map_err(|error| {
                RenderError::Internal(format!("video frame extraction failed: {error}"))
            })??;
        }
        let page = PageSettings {
            media: Some(media.media_config()),
            ..PageSettings::default()
        };
        let launch = LaunchPlan::new(
            composition,
            browser,
            &page,
            false,
            NonZeroUsize::MIN,
            remote,
        );
        let embedded = framecast_server::VendorLibraries::embedded();
        let vendor = match times {
            StillTimes::At(times) => media.serve_frames_at(embedded, times),
            StillTimes::Any => media.serve_frames(embedded, duration),
        };
        Ok(StillsPage {
            launch,
            vendor,
            media,
        })
    }
}
