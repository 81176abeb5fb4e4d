//! A capture worker: one Chrome process with one page, capturing a range of frames. Encoded
//! captures go to the decode pool; decoded frames go into the reorder window.

use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use framecast_browser::{
    BrowserError, BrowserSession, CaptureMode, CapturePage, CapturedFrame, ImageFormat,
    LaunchOptions, PageInfo,
};
use framecast_composition::Fps;
use framecast_media::Yuv420Frame;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::calibrate::Calibration;
use crate::chrome_pool::ChromePool;
use crate::plan::FrameQueue;
use crate::transitions::{TransitionFrame, TransitionPlan};
use crate::{CancelFlag, FramePlan, ProgressEvent, RenderError, ReorderWindow};

/// What the encoder receives for one frame.
#[derive(Debug)]
pub(crate) enum FramePixels {
    Decoded(Yuv420Frame),
    /// A PNG capture, for outputs that keep alpha (media: formats.rs).
    Rgba(framecast_media::RgbaFrame),
    /// Chrome reported no damage: repeat the previous frame.
    Repeat,
}

/// The first failure of a render, from whichever stage saw it; recording one closes the window so
/// every other stage stops.
#[derive(Debug, Default)]
pub(crate) struct FirstFailure(Mutex<Option<RenderError>>);

impl FirstFailure {
    pub(crate) fn record(&self, error: RenderError, window: &ReorderWindow<FramePixels>) {
        let mut slot = self
            .0
            .lock()
            .expect("failure slot lock should not be poisoned");
        if slot.is_none() {
            *slot = Some(error);
        }
        drop(slot);
        window.close();
    }

    pub(crate) fn take(&self) -> Option<RenderError> {
        self.0
            .lock()
            .expect("failure slot lock should not be poisoned")
            .take()
    }
}

/// Everything the workers of one render share.
pub(crate) struct CaptureContext {
    pub plan: FramePlan,
    pub format: ImageFormat,
    pub window: Arc<ReorderWindow<FramePixels>>,
    pub failure: Arc<FirstFailure>,
    pub cancel: CancelFlag,
    pub on_progress: Arc<dyn Fn(ProgressEvent) + Send + Sync>,
    /// Frames that are shader-transition blends of two scene captures.
    pub transitions: TransitionPlan,
}

/// How to start (and restart) a worker's Chrome and page.
#[derive(Debug, Clone)]
pub(crate) struct WorkerRecipe {
    pub launch: LaunchOptions,
    pub url: String,
    pub prelude: String,
    /// Capture over a transparent page background (alpha outputs).
    pub transparent: bool,
    pub ready_timeout: Duration,
    /// How many times one worker may replace a dead or hung Chrome before the render fails.
    pub max_restarts: usize,
    /// Transition blends one worker may have in flight on the pool (its ring of capture pairs):
    /// capture of the next frames overlaps these blends, and memory stays bounded.
    pub blend_ring: usize,
    /// Where an idle Chrome is taken from and given back to, across the renders of a batch.
    pub pool: Option<Arc<ChromePool>>,
}

pub(crate) struct CaptureWorker {
    pub id: usize,
    recipe: Arc<WorkerRecipe>,
    session: BrowserSession,
    page: CapturePage,
    pub info: PageInfo,
    blend_slots: Arc<Semaphore>,
    /// The last frame this page was seeked to. A page that is to capture a later frame is
    /// first seeked through the frames in between (`seek_through`), so every frame shows what
    /// a page seeked frame by frame from the start shows, whatever the number of workers or
    /// chunks: GSAP `.to()` tweens read their start values when they first render.
    seeked: Option<u64>,
}

/// Why a worker could not start; `BeginFrameUnsupported` makes the pipeline retry with
/// screenshots.
pub(crate) enum StartError {
    BeginFrameUnsupported(BrowserError),
    Failed(BrowserError),
}

impl CaptureWorker {
    pub(crate) async fn start(id: usize, recipe: Arc<WorkerRecipe>) -> Result<Self, StartError> {
        let pooled = recipe
            .pool
            .as_ref()
            .and_then(|pool| pool.take(&recipe.launch));
        let mut session = match pooled {
            Some(session) => session,
            None => BrowserSession::launch(recipe.launch.clone())
                .await
                .map_err(StartError::Failed)?,
        };
        let started = async {
            let mut page = session
                .open_page(&recipe.url, &recipe.prelude)
                .await
                .map_err(StartError::Failed)?;
            if recipe.transparent {
                page.set_transparent_background()
                    .await
                    .map_err(StartError::Failed)?;
            }
            let info = page
                .wait_ready(recipe.ready_timeout)
                .await
                .map_err(StartError::Failed)?;
            if page.mode() == CaptureMode::BeginFrame {
                page.probe_begin_frame()
                    .await
                    .map_err(StartError::BeginFrameUnsupported)?;
            }
            Ok((page, info))
        }
        .await;
        match started {
            Ok((page, info)) => Ok(CaptureWorker {
                id,
                blend_slots: Arc::new(Semaphore::new(recipe.blend_ring.max(1))),
                recipe,
                session,
                page,
                info,
                seeked: None,
            }),
            Err(error) => {
                session.close().await;
                Err(error)
            }
        }
    }

    pub(crate) fn capture_mode(&self) -> CaptureMode {
        self.page.mode()
    }

    /// Done with this worker: its Chrome goes back to the pool (its page closed) when there is
    /// one, and is closed otherwise.
    pub(crate) async fn close(self) {
        match &self.recipe.pool {
            Some(pool) => {
                self.page.close().await;
                pool.give(self.session);
            }
            None => self.session.close().await,
        }
    }

    /// Captures chunks of frames from `queue` until it is empty. A Chrome that dies or hangs is
    /// replaced and the rest of its chunk is captured by the new one (the output is the same:
    /// every frame is a pure function of its time). Stops early, without an error of its own,
    /// when another stage has failed; stops at once when the render is cancelled.
    pub(crate) async fn run(mut self, queue: Arc<FrameQueue>, context: Arc<CaptureContext>) {
        let mut restarts = 0;
        let result = async {
            while let Some(chunk) = queue.take() {
                self.capture_chunk(chunk, &context, &mut restarts).await?;
            }
            Ok(())
        };
        let result = tokio::select! {
            result = result => result,
            () = context.cancel.cancelled() => Err(RenderError::Cancelled),
        };
        match result {
            // A Chrome that failed or was stopped in the middle of a frame serves nothing more.
            Err(error) => {
                context.failure.record(error, &context.window);
                self.session.close().await;
            }
            Ok(()) => self.close().await,
        }
    }

    async fn capture_chunk(
        &mut self,
        frames: Range<u64>,
        context: &CaptureContext,
        restarts: &mut usize,
    ) -> Result<(), RenderError> {
        let mut next = frames.start;
        loop {
            match self.capture_range(&mut next, frames.end, context).await {
                Err(RenderError::Browser(error))
                    if restartable(&error) && *restarts < self.recipe.max_restarts =>
                {
                    *restarts += 1;
                    tracing::warn!(
                        "worker {}: {error}; restarting Chrome for frames {next}..{}",
                        self.id,
                        frames.end
                    );
                    (context.on_progress)(ProgressEvent::WorkerRestarted {
                        worker: self.id,
                        frame: next,
                        reason: error.to_string(),
                    });
                    self.restart().await?;
                }
                other => return other,
            }
        }
    }

    /// Replaces this worker's Chrome with a fresh one on the same page.
    async fn restart(&mut self) -> Result<(), RenderError> {
        let fresh = match CaptureWorker::start(self.id, Arc::clone(&self.recipe)).await {
            Ok(fresh) => fresh,
            Err(StartError::BeginFrameUnsupported(error) | StartError::Failed(error)) => {
                return Err(RenderError::Browser(error));
            }
        };
        let old = std::mem::replace(self, fresh);
        old.session.close().await;
        Ok(())
    }

    /// Captures `frames` (kept like any others) and measures them, leaving out the first, which
    /// pays for first paint.
    pub(crate) async fn calibrate(
        &mut self,
        frames: Range<u64>,
        context: &CaptureContext,
    ) -> Result<Calibration, RenderError> {
        let mut next = frames.start;
        let first_end = (frames.start + 1).min(frames.end);
        self.capture_range(&mut next, first_end, context).await?;
        let cpu_before = self.session.cpu_time();
        let started = std::time::Instant::now();
        self.capture_range(&mut next, frames.end, context).await?;
        let measured = frames.end.saturating_sub(first_end).max(1) as u32;
        let wall = started.elapsed() / measured;
        let chrome_cpu = match (cpu_before, self.session.cpu_time()) {
            (Some(before), Some(after)) => after.saturating_sub(before) / measured,
            // Without /proc, assume Chrome keeps one core busy while it captures.
            _ => wall,
        };
        Ok(Calibration { wall, chrome_cpu })
    }

    /// Seeks to `time` without capturing (`framecast lint`'s in-page pass).
    pub(crate) async fn seek_checked(&mut self, index: u64, time: f64) -> Result<(), RenderError> {
        self.page
            .seek_checked(index, time)
            .await
            .map_err(|error| self.crash_aware(error))
    }

    /// What only the page can tell lint (`framecast lint`'s in-page pass).
    pub(crate) async fn inspect(&mut self) -> Result<framecast_browser::PageState, RenderError> {
        self.page
            .inspect()
            .await
            .map_err(|error| self.crash_aware(error))
    }

    /// Seeks to `time` and captures the page as a PNG, outside any render (`framecast snapshot`).
    /// `None` means the pixels equal the previous capture's.
    pub(crate) async fn capture_still(
        &mut self,
        index: u64,
        time: f64,
        fps: Fps,
    ) -> Result<Option<Vec<u8>>, RenderError> {
        // A still shows what the render's frame of that time shows: the page goes through every
        // frame before it first.
        let before = (time * fps.as_f64() - 1e-9).ceil().max(0.0) as u64;
        self.seek_through_until(before, |frame| fps.frame_time(frame))
            .await?;
        self.page
            .seek(index, time)
            .await
            .map_err(|error| self.crash_aware(error))?;
        let captured = self
            .page
            .capture(index, ImageFormat::Png)
            .await
            .map_err(|error| self.crash_aware(error))?;
        Ok(match captured {
            CapturedFrame::Image(png) => Some(png),
            CapturedFrame::Unchanged => None,
        })
    }

    /// Seeks the page's timelines through the frames before `frame` it has not been seeked to
    /// (see `seeked`); nothing when it already was, as on every frame of a chunk but its first.
    async fn seek_through_until(
        &mut self,
        frame: u64,
        frame_time: impl Fn(u64) -> f64,
    ) -> Result<(), RenderError> {
        let from = self.seeked.map_or(0, |last| last + 1);
        if frame <= from {
            return Ok(());
        }
        let skipped: Vec<f64> = (from..frame).map(frame_time).collect();
        self.page
            .seek_through(&skipped)
            .await
            .map_err(|error| self.crash_aware(error))?;
        self.seeked = Some(frame - 1);
        Ok(())
    }

    async fn capture_range(
        &mut self,
        next: &mut u64,
        end: u64,
        context: &CaptureContext,
    ) -> Result<(), RenderError> {
        while *next < end {
            let index = *next;
            if context.window.admit(index).await.is_err() {
                return Ok(());
            }
            let time = context.plan.frame_time(index);
            let started = std::time::Instant::now();
            self.seek_through_until(index, |frame| context.plan.frame_time(frame))
                .await?;
            self.page
                .seek(index, time)
                .await
                .map_err(|error| self.crash_aware(error))?;
            self.seeked = Some(index);
            let seeked = started.elapsed();
            if let Some(transition) = context.transitions.at(index) {
                let Ok(slot) = Arc::clone(&self.blend_slots).acquire_owned().await else {
                    return Ok(());
                };
                let from = self
                    .page
                    .capture_layer(
                        index,
                        context.format,
                        &transition.from_scene,
                        &transition.to_scene,
                    )
                    .await
                    .map_err(|error| self.crash_aware(error))?;
                let to = self
                    .page
                    .capture_layer(
                        index,
                        context.format,
                        &transition.to_scene,
                        &transition.from_scene,
                    )
                    .await
                    .map_err(|error| self.crash_aware(error))?;
                blend_on_pool(index, [from, to], transition, slot, context);
                *next += 1;
                continue;
            }
            let captured = self
                .page
                .capture(index, context.format)
                .await
                .map_err(|error| self.crash_aware(error))?;
            tracing::debug!(
                "worker {} frame {index}: seek {:.1} ms, capture {:.1} ms",
                self.id,
                seeked.as_secs_f64() * 1000.0,
                (started.elapsed() - seeked).as_secs_f64() * 1000.0
            );
            match captured {
                CapturedFrame::Unchanged => {
                    let _ = context.window.insert(index, FramePixels::Repeat);
                }
                CapturedFrame::Image(encoded) => decode_on_pool(index, encoded, context),
            }
            *next += 1;
        }
        Ok(())
    }

    /// A DevTools error after Chrome died is reported as the crash it is, with Chrome's stderr.
    fn crash_aware(&mut self, error: BrowserError) -> RenderError {
        if self.session.has_exited() {
            let step = match &error {
                BrowserError::Protocol { step, .. }
                | BrowserError::Timeout { step, .. }
                | BrowserError::Page { step, .. }
                | BrowserError::Crashed { step, .. } => step.clone(),
                other => other.to_string(),
            };
            return RenderError::Browser(BrowserError::Crashed {
                step: format!("{step} (worker {})", self.id),
                stderr: self.session.stderr_tail(),
            });
        }
        RenderError::Browser(error)
    }
}

/// Chrome dying or a step timing out may be a one-off; a page error is not (the same page would
/// fail the same way again).
fn restartable(error: &BrowserError) -> bool {
    matches!(
        error,
        BrowserError::Crashed { .. } | BrowserError::Timeout { .. } | BrowserError::Protocol { .. }
    )
}

/// Decodes a captured JPEG (or PNG, for alpha outputs) on the rayon pool, off the capture path,
/// into the reorder window.
/// Decodes the two scene captures of a transition frame and blends them on the rayon pool; the
/// slot returns to the worker's ring when the blend is done.
fn blend_on_pool(
    index: u64,
    [from, to]: [Vec<u8>; 2],
    transition: TransitionFrame,
    slot: OwnedSemaphorePermit,
    context: &CaptureContext,
) {
    let window = Arc::clone(&context.window);
    let failure = Arc::clone(&context.failure);
    let (width, height) = (context.plan.width, context.plan.height);
    let png = context.format == ImageFormat::Png;
    rayon::spawn(move || {
        let _owner = framecast_memory::enter(framecast_memory::Owner::Blend);
        let decode = |encoded: &[u8]| {
            if png {
                framecast_media::decode_png_to_rgba(encoded, width, height)
            } else {
                framecast_media::decode_jpeg_to_rgba(encoded, width, height)
            }
        };
        let blended = decode(&from)
            .and_then(|from| Ok((from, decode(&to)?)))
            .map(|(from, to)| {
                let mut out = framecast_media::RgbaFrame::new(width, height);
                framecast_blend::blend_rgba(
                    transition.transition,
                    &from.data,
                    &to.data,
                    width as usize,
                    height as usize,
                    transition.progress,
                    &transition.accent,
                    &mut out.data,
                )
                .expect("buffers sized from the frame plan should fit the blend");
                out
            });
        drop(slot);
        match blended {
            Ok(rgba) if png => {
                let _ = window.insert(index, FramePixels::Rgba(rgba));
            }
            Ok(rgba) => {
                let mut frame = Yuv420Frame::new(width, height);
                framecast_media::rgba_to_yuv420(&rgba.data, width, height, &mut frame);
                let _ = window.insert(index, FramePixels::Decoded(frame));
            }
            Err(error) => failure.record(RenderError::Media(error), &window),
        }
    });
}

fn decode_on_pool(index: u64, encoded: Vec<u8>, context: &CaptureContext) {
    let window = Arc::clone(&context.window);
    let failure = Arc::clone(&context.failure);
    let (width, height) = (context.plan.width, context.plan.height);
    let png = context.format == ImageFormat::Png;
    rayon::spawn(move || {
        let _owner = framecast_memory::enter(framecast_memory::Owner::Decode);
        let decoded = if png {
            framecast_media::decode_png_to_rgba(&encoded, width, height).map(FramePixels::Rgba)
        } else {
            let mut frame = Yuv420Frame::new(width, height);
            framecast_media::decode_jpeg_to_yuv420(&encoded, width, height, &mut frame)
                .map(|()| FramePixels::Decoded(frame))
        };
        match decoded {
            Ok(pixels) => {
                let _ = window.insert(index, pixels);
            }
            Err(error) => failure.record(RenderError::Media(error), &window),
        }
    });
}
