//! One render from start to finish.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use framecast_browser::{CaptureMode, PageInfo};
use framecast_media::{AudioTrack, InputFrame, OutputEncoder, OutputSettings};
use framecast_memory::Owner;
use framecast_server::{FileServer, FileServerConfig, VendorLibraries};
use futures::future::join_all;

use crate::calibrate;
use crate::job::{LaunchPlan, RenderJob};
use crate::plan::{FrameQueue, window_capacity};
use crate::transitions::TransitionPlan;
use crate::worker::{
    CaptureContext, CaptureWorker, FirstFailure, FramePixels, StartError, WorkerRecipe,
};
use crate::{
    CancelFlag, FramePlan, ProgressEvent, RenderError, RenderOptions, ReorderWindow, WorkerCount,
};

/// What a finished render produced.
#[derive(Debug, Clone)]
pub struct RenderSummary {
    pub output: PathBuf,
    pub plan: FramePlan,
    pub workers: usize,
    pub capture_mode: CaptureMode,
    pub seconds: f64,
}

/// Renders `options.input` to `options.output`: builds the [`RenderJob`] and runs it.
/// Progress events go to `on_progress`; setting `cancel` stops the render cleanly. On any
/// failure no file is left at the output path and every Chrome process is gone.
pub async fn render(
    options: &RenderOptions,
    on_progress: Arc<dyn Fn(ProgressEvent) + Send + Sync>,
    cancel: CancelFlag,
) -> Result<RenderSummary, RenderError> {
    render_job(options, on_progress, cancel, None).await
}

/// [`render`], with the workers' Chrome processes taken from `pool` where one fits and given
/// back to it when the render is done: the renders of a batch share them.
pub async fn render_with_pool(
    options: &RenderOptions,
    on_progress: Arc<dyn Fn(ProgressEvent) + Send + Sync>,
    cancel: CancelFlag,
    pool: Arc<crate::ChromePool>,
) -> Result<RenderSummary, RenderError> {
    render_job(options, on_progress, cancel, Some(pool)).await
}

async fn render_job(
    options: &RenderOptions,
    on_progress: Arc<dyn Fn(ProgressEvent) + Send + Sync>,
    cancel: CancelFlag,
    pool: Option<Arc<crate::ChromePool>>,
) -> Result<RenderSummary, RenderError> {
    let started = Instant::now();
    let mut job = RenderJob::build(options)?;
    job.launch.pool = pool;
    let server = serve(&job).await?;
    let url = server.url_for(Path::new(job.composition.entry_name()));
    let result = render_with_server(&job, &url, on_progress, cancel).await;
    // Whatever the page loaded is read by the render too: never the output (publish/rule.rs).
    for file in server.served_files() {
        job.reads.add_file(&file);
    }
    server.shutdown().await;
    let (plan, workers, capture_mode) = result?;
    let output = if job.discard_output {
        job.pending.target().to_path_buf()
    } else {
        job.pending.publish(&job.reads)?
    };
    Ok(RenderSummary {
        output,
        plan,
        workers,
        capture_mode,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Extracts the `<video>` frames the page shows before it is ready and starts the file server
/// for the composition.
async fn serve(job: &RenderJob) -> Result<FileServer, RenderError> {
    let root = &job.composition.root;
    if job.media.has_videos() {
        // The page shows a video frame as soon as it is ready, so the frames are extracted
        // before Chrome starts: all of them when the duration is declared, else those at 0 s.
        let early = FramePlan::new(
            root.width * job.scale,
            root.height * job.scale,
            job.fps,
            root.duration.unwrap_or(job.fps.frame_time(1)),
        );
        let media = Arc::clone(&job.media);
        tokio::task::spawn_blocking(move || {
            let _owner = framecast_memory::enter(Owner::MediaFrames);
            media.extract_frames(&early)
        })
        .await
        .map_err(|error| {
            RenderError::Internal(format!("video frame extraction failed: {error}"))
        })??;
    }
    Ok(FileServer::start(FileServerConfig {
        root: job.composition.dir.clone(),
        vendor: job
            .media
            .serve_frames(VendorLibraries::embedded(), root.duration),
    })
    .await?)
}

/// What a render works out before its first capture, for a chunked render's plan
/// (`framecast plan`): the frame plan and the mixed soundtrack.
#[derive(Debug, Clone)]
pub struct PreparedRender {
    pub plan: FramePlan,
    pub audio: Option<AudioTrack>,
    /// The composition's folder, which the page is served from.
    pub composition_dir: PathBuf,
    /// The entry file, relative to `composition_dir`.
    pub entry: PathBuf,
    /// The output format the options resolve to.
    pub format: framecast_media::OutputFormat,
    /// The composition's width in CSS pixels (the frame plan's is this times the scale).
    pub root_width: u32,
}

/// Loads the page in one Chrome worker and plans the render as [`render`] would (the frame
/// plan, the soundtrack mixed), without capturing or writing anything.
pub async fn prepare(options: &RenderOptions) -> Result<PreparedRender, RenderError> {
    let job = RenderJob::build(options)?;
    let server = serve(&job).await?;
    let url = server.url_for(Path::new(job.composition.entry_name()));
    let planned = match start_workers(&job.launch, &url, 1).await {
        Ok(workers) => {
            let planned = plan_capture(&job, &workers[0].info).await;
            close_all(workers).await;
            planned
        }
        Err(error) => Err(error),
    };
    server.shutdown().await;
    let (plan, audio, _) = planned?;
    Ok(PreparedRender {
        plan,
        audio,
        composition_dir: job.composition.dir.clone(),
        entry: PathBuf::from(job.composition.entry_name()),
        format: job.output.format,
        root_width: job.composition.root.width,
    })
}

async fn render_with_server(
    job: &RenderJob,
    url: &str,
    on_progress: Arc<dyn Fn(ProgressEvent) + Send + Sync>,
    cancel: CancelFlag,
) -> Result<(FramePlan, usize, CaptureMode), RenderError> {
    let root = &job.composition.root;
    let estimated_frames = root
        .duration
        .map(|duration| framecast_composition::frame_count(duration, job.fps));
    let worker_count = choose_worker_count(job.schedule.workers, estimated_frames);
    let workers = start_workers(&job.launch, url, worker_count).await?;

    // Everything between starting Chrome and capturing may fail; the workers are closed in one
    // place whatever fails.
    let (plan, audio, transitions) = match plan_capture(job, &workers[0].info).await {
        Ok(planned) => planned,
        Err(error) => {
            close_all(workers).await;
            return Err(error);
        }
    };
    // A webm without --alpha keeps alpha when the page paints no background (formats.rs).
    let output_plan = job.output.for_page(workers[0].info.transparent_background);
    let duration = plan.duration;
    let capture_mode = workers[0].capture_mode();
    if !transitions.is_empty() {
        tracing::info!(
            "{} frames are shader-transition blends",
            transitions.frame_count()
        );
        transitions.prepare_in_background(plan.width, plan.height);
    }
    let frames = match frames_to_render(job, &plan) {
        Ok(frames) => frames,
        Err(error) => {
            close_all(workers).await;
            return Err(error);
        }
    };
    let chunk_frames = job.schedule.chunk_frames;
    let context = Arc::new(CaptureContext {
        plan,
        format: output_plan.capture,
        window: Arc::new(ReorderWindow::starting_at(
            frames.start,
            window_capacity(job.schedule.reorder_window, workers.len(), chunk_frames),
        )),
        failure: Arc::new(FirstFailure::default()),
        cancel,
        on_progress: on_progress.clone(),
        transitions,
    });
    // Auto mode measures a few frames on worker 0 before deciding how many workers to keep;
    // those frames wait in the reorder window and are not captured again.
    let (mut workers, calibrated) = match job.schedule.workers {
        WorkerCount::Auto if workers.len() > 1 => {
            calibrate_workers(workers, job.encoding.preset, &context, frames.clone()).await?
        }
        _ => (workers, frames.start),
    };
    let queue = Arc::new(FrameQueue::new(calibrated..frames.end, chunk_frames));
    let useful = (frames.end - calibrated).div_ceil(chunk_frames.max(1) as u64);
    let idle = workers.split_off(workers.len().min(useful.max(1) as usize));
    close_all(idle).await;
    let worker_total = workers.len();
    on_progress(ProgressEvent::Planned {
        width: plan.width,
        height: plan.height,
        fps: job.fps.to_string(),
        duration,
        frames: frames.end - frames.start,
        workers: worker_total,
        capture: format!("{capture_mode:?}"),
    });

    let settings = job.encoding.settings(&output_plan, &plan);
    let destination = (!job.discard_output).then(|| job.pending.temporary_path().to_path_buf());
    let encoder = spawn_encoder(
        destination,
        (settings, audio, frames),
        Arc::clone(&context),
        on_progress.clone(),
    );
    let capture = workers
        .into_iter()
        .map(|worker| worker.run(Arc::clone(&queue), Arc::clone(&context)));
    join_all(capture).await;
    let finished = encoder.await.unwrap_or(false);
    if let Some(error) = context.failure.take() {
        return Err(error);
    }
    if !finished {
        return Err(RenderError::Internal(
            "the encoder stopped before the last frame".to_string(),
        ));
    }
    Ok((plan, worker_total, capture_mode))
}

/// The frames this render captures: all of them, or the asked range of a chunked render, which
/// must belong to a video of exactly this many frames.
fn frames_to_render(
    job: &RenderJob,
    plan: &FramePlan,
) -> Result<std::ops::Range<u64>, RenderError> {
    match &job.frame_range {
        None => Ok(0..plan.frame_count),
        Some(range) if range.total != plan.frame_count => {
            Err(crate::distributed::PlanError::FrameCount {
                planned: range.total,
                found: plan.frame_count,
            }
            .into())
        }
        Some(range) if range.frames.end > plan.frame_count || range.frames.is_empty() => {
            Err(RenderError::Internal(format!(
                "frames {:?} are not a part of a video of {} frames",
                range.frames, plan.frame_count
            )))
        }
        Some(range) => Ok(range.frames.clone()),
    }
}

/// The frame plan, the soundtrack and the transition windows, from the job and what the first
/// page reported. Decodes the `<video>` frames the render shows (cached) and mixes the
/// soundtrack before the first capture.
async fn plan_capture(
    job: &RenderJob,
    page: &PageInfo,
) -> Result<(FramePlan, Option<AudioTrack>, TransitionPlan), RenderError> {
    let root = &job.composition.root;
    let duration = root
        .duration
        .or(page.duration)
        .filter(|duration| *duration > 0.0)
        .ok_or_else(|| RenderError::NoDuration {
            path: job.composition.html_path.clone(),
        })?;
    let plan = FramePlan::new(
        root.width * job.scale,
        root.height * job.scale,
        job.fps,
        duration,
    );
    let audio = {
        let media = Arc::clone(&job.media);
        let mode = job.audio;
        // Volumes the page animates, sampled by the runtime once it was ready (media.js).
        let volumes = page.volumes.clone();
        tokio::task::spawn_blocking(move || {
            {
                let _owner = framecast_memory::enter(Owner::MediaFrames);
                media.extract_frames(&plan)?;
            }
            let _owner = framecast_memory::enter(Owner::Audio);
            media.soundtrack(&plan, mode, volumes.as_ref())
        })
        .await
        .map_err(|error| RenderError::Internal(format!("media preparation failed: {error}")))??
    };
    let transitions = TransitionPlan::from_page(&page.transitions, job.fps, plan.frame_count)?;
    Ok((plan, audio, transitions))
}

/// Starts the workers concurrently (start-up is mostly waiting on Chrome). If BeginFrame turns
/// out to be unsupported, all of them restart in screenshot mode.
pub(crate) async fn start_workers(
    plan: &LaunchPlan,
    url: &str,
    count: usize,
) -> Result<Vec<CaptureWorker>, RenderError> {
    let mut launch = plan.launch.clone();
    for begin_frame in [true, false] {
        launch.begin_frame = begin_frame;
        let recipe = Arc::new(WorkerRecipe {
            launch: launch.clone(),
            url: url.to_string(),
            prelude: plan.prelude.clone(),
            transparent: plan.transparent,
            ready_timeout: plan.ready_timeout,
            max_restarts: plan.max_restarts,
            blend_ring: plan.blend_ring.get(),
            pool: plan.pool.clone(),
        });
        let starts = (0..count).map(|id| CaptureWorker::start(id, Arc::clone(&recipe)));
        let mut started = Vec::new();
        let mut unsupported = None;
        let mut failed = None;
        for result in join_all(starts).await {
            match result {
                Ok(worker) => started.push(worker),
                Err(StartError::BeginFrameUnsupported(error)) => unsupported = Some(error),
                Err(StartError::Failed(error)) => failed = failed.or(Some(error)),
            }
        }
        if let Some(error) = failed {
            close_all(started).await;
            return Err(RenderError::Browser(error));
        }
        match unsupported {
            None => return Ok(started),
            Some(error) => {
                close_all(started).await;
                tracing::warn!(
                    "HeadlessExperimental.beginFrame is not available ({error}); capturing with Page.captureScreenshot instead"
                );
            }
        }
    }
    Err(RenderError::Internal("no capture mode worked".to_string()))
}

/// Frames worker 0 captures to measure the page before the worker count is settled.
const CALIBRATION_FRAMES: u64 = 6;

/// Captures the first frames on worker 0, timing them, and keeps as many workers as pay off.
async fn calibrate_workers(
    mut workers: Vec<CaptureWorker>,
    preset: &str,
    context: &CaptureContext,
    frames: std::ops::Range<u64>,
) -> Result<(Vec<CaptureWorker>, u64), RenderError> {
    if frames.end - frames.start < CALIBRATION_FRAMES * 4 {
        return Ok((workers, frames.start));
    }
    let calibration = frames.start..frames.start + CALIBRATION_FRAMES;
    let measured = match workers[0].calibrate(calibration.clone(), context).await {
        Ok(measured) => measured,
        Err(error) => {
            close_all(workers).await;
            return Err(error);
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let other =
        calibrate::non_capture_seconds_per_frame(preset, context.plan.width, context.plan.height);
    let keep = calibrate::choose_workers(measured, other, cores, workers.len());
    tracing::info!(
        "calibration: {:.1} ms per captured frame ({:.1} ms of Chrome CPU), about {:.1} ms of other CPU per frame on {cores} cores: {keep} worker(s)",
        measured.wall.as_secs_f64() * 1000.0,
        measured.chrome_cpu.as_secs_f64() * 1000.0,
        other * 1000.0
    );
    let surplus = workers.split_off(keep);
    close_all(surplus).await;
    Ok((workers, calibration.end))
}

async fn close_all(workers: Vec<CaptureWorker>) {
    join_all(workers.into_iter().map(CaptureWorker::close)).await;
}

fn choose_worker_count(workers: WorkerCount, frames: Option<u64>) -> usize {
    match workers {
        WorkerCount::Fixed(count) => count.get(),
        WorkerCount::Auto => {
            // Short videos do not repay a second start-up.
            let by_length = frames.map_or(usize::MAX, |frames| (frames / 30).max(1) as usize);
            crate::calibrate::auto_workers_to_start().min(by_length)
        }
    }
}

/// Runs the encoder on its own thread, taking frames from the reorder window in index order. A
/// failure is recorded in the shared slot (closing the window); the receiver says whether every
/// frame was encoded and the file finished.
fn spawn_encoder(
    path: Option<PathBuf>,
    (settings, audio, frames): (OutputSettings, Option<AudioTrack>, std::ops::Range<u64>),
    context: Arc<CaptureContext>,
    on_progress: Arc<dyn Fn(ProgressEvent) + Send + Sync>,
) -> tokio::sync::oneshot::Receiver<bool> {
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("encoder".to_string())
        .spawn(move || {
            let _owner = framecast_memory::enter(Owner::Encoder);
            let result = encode_frames(
                path.as_deref(),
                (&settings, audio, frames),
                &context,
                on_progress.as_ref(),
            );
            let finished = match result {
                Ok(()) => true,
                // A closed window means another stage failed and recorded why.
                Err(RenderError::Cancelled) => false,
                Err(error) => {
                    context.failure.record(error, &context.window);
                    false
                }
            };
            let _ = done_tx.send(finished);
        })
        .expect("the encoder thread should start");
    done_rx
}

/// Encodes frames in order to `path`; with no path the frames are taken and dropped (capture
/// floor measurement).
fn encode_frames(
    path: Option<&std::path::Path>,
    (settings, audio, frames): (&OutputSettings, Option<AudioTrack>, std::ops::Range<u64>),
    context: &CaptureContext,
    on_progress: &(dyn Fn(ProgressEvent) + Send + Sync),
) -> Result<(), RenderError> {
    let mut encoder = path
        .map(|path| OutputEncoder::create(path, settings, audio))
        .transpose()?;
    let total = frames.end - frames.start;
    let mut previous = None;
    for _ in frames.clone() {
        let (index, pixels) = context
            .window
            .next_blocking()
            .map_err(|_| RenderError::Cancelled)?;
        match pixels {
            FramePixels::Repeat if previous.is_none() => {
                return Err(RenderError::Internal(format!(
                    "frame {index} repeats a frame that was never captured"
                )));
            }
            FramePixels::Repeat => {}
            pixels => previous = Some(pixels),
        }
        let frame = match previous.as_ref() {
            Some(FramePixels::Decoded(frame)) => Some(InputFrame::Yuv420(frame)),
            Some(FramePixels::Rgba(frame)) => Some(InputFrame::Rgba(frame)),
            _ => None,
        };
        if let (Some(encoder), Some(frame)) = (encoder.as_mut(), frame) {
            encoder.push(frame)?;
        }
        on_progress(ProgressEvent::Frame {
            encoded: index + 1 - frames.start,
            total,
        });
    }
    if let Some(encoder) = encoder {
        encoder.finish()?;
    }
    Ok(())
}
