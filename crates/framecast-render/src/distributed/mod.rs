//! Past one machine: a render split into closed-GOP chunks that any batch engine runs
//! (`framecast plan` → `framecast render-chunk` per index → `framecast assemble`). The plan
//! freezes everything a chunk needs in one folder ([`plan_dir`]); a chunk is a pure function of
//! the plan and its index ([`chunk`]); assembly checks every chunk and joins them by stream
//! copy ([`assemble`]). framecast ships no scheduler: [`emit`] writes the job files of
//! existing engines (Slurm, Kubernetes, GitHub Actions).

mod assemble;
mod chunk;
mod emit;
mod error;
mod plan_dir;
mod recipe;

use std::path::{Path, PathBuf};

pub use assemble::{AssembleSummary, assemble};
pub use chunk::{ChunkOutcome, chunk_index, render_chunk};
pub use emit::Engine;
pub use error::PlanError;
pub use plan_dir::{ChunkSpec, Plan, PlannedFrames, split_frames};
pub use recipe::PlanSettings;

use crate::publish::{FolderKind, OutputKind, PendingOutput, ReadSet};
use crate::{RenderError, RenderOptions};

/// How a plan splits the video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunking {
    /// Chunks of this many frames (the last may be shorter).
    Frames(u64),
    /// This many chunks of equal length (the last may be shorter).
    Count(u64),
    /// [`DEFAULT_CHUNK_SECONDS`] of frames, at least [`MIN_DEFAULT_CHUNK_FRAMES`].
    Default,
}

/// The default chunk length. Each chunk pays for starting Chrome and loading the page (about
/// 1.5 s measured on the 2-core machine class, with one worker) and for its encoder's
/// warm-up; 10 s of video is 300 frames at 30 fps, which on the heavy benchmark composition
/// is over a minute of capture, so start-up stays a few percent of a chunk.
pub const DEFAULT_CHUNK_SECONDS: u64 = 10;
/// A default chunk is at least x264's default keyframe interval, one whole GOP.
pub const MIN_DEFAULT_CHUNK_FRAMES: u64 = 250;

impl Chunking {
    fn chunk_frames(self, frame_count: u64, fps: framecast_composition::Fps) -> u64 {
        match self {
            Chunking::Frames(frames) => frames.max(1),
            Chunking::Count(count) => frame_count.div_ceil(count.max(1)).max(1),
            Chunking::Default => {
                let seconds =
                    u128::from(DEFAULT_CHUNK_SECONDS) * u128::from(fps.num) / u128::from(fps.den);
                (seconds as u64).max(MIN_DEFAULT_CHUNK_FRAMES)
            }
        }
    }
}

/// Plans `options.input` as a chunked render into the new folder `plan_dir`: loads the page
/// once (for its duration and animated volumes), mixes the soundtrack, copies the
/// composition, writes the plan and, for each of `engines`, its job file. `options.output` is
/// ignored; the output format comes from `options.media.format` (mp4 when not given).
pub async fn make_plan(
    options: &RenderOptions,
    chunking: Chunking,
    plan_dir: &Path,
    engines: &[Engine],
) -> Result<Plan, RenderError> {
    let format = options
        .media
        .format
        .unwrap_or(framecast_media::OutputFormat::Mp4);
    if !matches!(
        format,
        framecast_media::OutputFormat::Mp4
            | framecast_media::OutputFormat::Webm
            | framecast_media::OutputFormat::Mov
            | framecast_media::OutputFormat::PngSequence
    ) {
        return Err(PlanError::Format {
            format: format.name(),
        }
        .into());
    }
    let kind = OutputKind::Folder(FolderKind::Plan);
    crate::publish::check_target(plan_dir, kind, &ReadSet::default())?;
    // The page is loaded as a render would load it; the render's output is never written, so
    // it is named in the temporary folder.
    let mut probe = options.clone();
    probe.media.format = Some(format);
    probe.output = std::env::temp_dir().join(format!(
        "framecast-plan-{}{}",
        std::process::id(),
        format
            .extension()
            .map(|e| format!(".{e}"))
            .unwrap_or_default()
    ));
    probe.frame_range = None;
    let prepared = crate::pipeline::prepare(&probe).await?;
    let mut reads = ReadSet::for_folder(&prepared.composition_dir);
    reads.add_file(&prepared.composition_dir.join(&prepared.entry));
    let pending = PendingOutput::prepare(plan_dir, kind, &reads, false)?;
    let folder = pending.temporary_path().to_path_buf();
    let io = |path: PathBuf| move |source| PlanError::Io { path, source };
    std::fs::create_dir(&folder).map_err(io(folder.clone()))?;
    let skip = [
        folder.canonicalize().unwrap_or_else(|_| folder.clone()),
        pending.target().to_path_buf(),
    ];
    plan_dir::copy_composition(
        &prepared.composition_dir,
        &folder.join(plan_dir::COMPOSITION_DIR),
        &skip,
    )?;
    let frame_plan = prepared.plan;
    let scale = frame_plan.width / prepared.root_width.max(1);
    let settings = PlanSettings::freeze(
        options,
        frame_plan.fps,
        scale.max(1),
        &prepared.entry,
        format,
    );
    let chunk_frames = chunking.chunk_frames(frame_plan.frame_count, frame_plan.fps);
    let chunks = split_frames(frame_plan.frame_count, chunk_frames);
    let plan = Plan::write(
        &folder,
        settings,
        PlannedFrames::from(&frame_plan),
        chunks,
        prepared.audio.as_ref(),
    )?;
    for engine in engines {
        for (name, text) in emit::job_files(*engine, &plan, pending.target()) {
            let path = folder.join(name);
            std::fs::write(&path, text).map_err(io(path.clone()))?;
        }
    }
    pending.publish(&reads)?;
    Ok(plan)
}
