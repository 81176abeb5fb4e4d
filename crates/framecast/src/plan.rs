//! `framecast plan`, `framecast render-chunk` and `framecast assemble`: a render split into
//! closed-GOP chunks that a batch engine (Slurm, Kubernetes, a CI matrix) runs on many machines.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, ValueEnum};
use framecast_render::distributed::{self, ChunkOutcome, Chunking, Engine};
use framecast_render::{CancelFlag, RenderOptions, WorkerCount};

use crate::progress::ProgressDisplay;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Chunks of this many frames (the last may be shorter). Default: 10 s of video, at least
    /// 250 frames (x264's keyframe interval), so each chunk's Chrome start-up stays a few
    /// percent of its work.
    #[arg(long, value_name = "N", conflicts_with = "chunks", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Plan")]
    chunk_frames: Option<u64>,

    /// This many chunks of equal length instead.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Plan")]
    chunks: Option<u64>,

    /// Also write the job files of a batch engine into the plan: slurm (slurm.sbatch, a job
    /// array and a dependent assemble job), k8s (k8s.yaml, an Indexed Job, and
    /// k8s-assemble.yaml), github (github-workflow.yml, a matrix over the chunks). Repeatable.
    #[arg(long, value_enum, help_heading = "Plan")]
    emit: Vec<EngineArg>,

    /// The composition and how to render it, as for framecast render; -o names the plan
    /// folder to create (it must not exist, or be empty), --format the final output's format
    /// (mp4, webm, mov or png-sequence).
    #[command(flatten)]
    render: crate::render::RenderArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EngineArg {
    Slurm,
    K8s,
    Github,
}

pub async fn run_plan(args: PlanArgs) -> anyhow::Result<()> {
    let render = &args.render;
    let Some(plan_dir) = render.output.clone() else {
        anyhow::bail!("framecast plan needs -o PLAN_FOLDER, a new folder for the plan");
    };
    if render.batch.is_some() {
        anyhow::bail!("--batch renders rows in one process; it cannot be planned into chunks");
    }
    let options = crate::render::options_from(render, plan_dir.clone())?;
    crate::render::lint_before_render(render)?;
    let chunking = match (args.chunk_frames, args.chunks) {
        (Some(frames), _) => Chunking::Frames(frames),
        (None, Some(count)) => Chunking::Count(count),
        (None, None) => Chunking::Default,
    };
    let engines: Vec<Engine> = args
        .emit
        .iter()
        .map(|engine| match engine {
            EngineArg::Slurm => Engine::Slurm,
            EngineArg::K8s => Engine::Kubernetes,
            EngineArg::Github => Engine::GitHub,
        })
        .collect();
    let plan = distributed::make_plan(&options, chunking, &plan_dir, &engines)
        .await
        .with_context(|| format!("planning {} failed", render.input.display()))?;
    println!(
        "planned {} frames ({}x{}, {} s) in {} chunks into {} (plan {})",
        plan.frames.frame_count,
        plan.frames.width,
        plan.frames.height,
        plan.frames.duration,
        plan.chunks.len(),
        plan_dir.display(),
        &plan.hash[..12]
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct RenderChunkArgs {
    /// The plan folder framecast plan wrote (copied to this node, or on shared storage).
    plan: PathBuf,

    /// The chunk to render. Default: $SLURM_ARRAY_TASK_ID (a Slurm job array), else
    /// $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).
    #[arg(long)]
    index: Option<usize>,

    /// The folder the chunks are written into (created if missing): chunk_NNNN.<ext> and its
    /// record chunk_NNNN.json, each written under a temporary name and renamed. A valid chunk
    /// of the same plan already there is kept.
    #[arg(short, long)]
    output: PathBuf,

    /// Chrome capture workers on this node: a number, or auto.
    #[arg(long, default_value = "auto", value_parser = crate::values::workers)]
    workers: WorkerCount,

    /// The chrome-headless-shell binary to use.
    #[arg(long, default_value = framecast_browser::DEFAULT_CHROME_PATH)]
    chrome: PathBuf,

    /// Print progress as JSON lines on stdout instead of a progress bar.
    #[arg(long)]
    json: bool,
}

pub async fn run_render_chunk(args: RenderChunkArgs) -> anyhow::Result<()> {
    let index = distributed::chunk_index(args.index, |name| std::env::var(name).ok())?;
    let mut base = RenderOptions::new(&args.plan, &args.output);
    base.workers = args.workers;
    base.browser.chrome_path = args.chrome.clone();
    let display = Arc::new(ProgressDisplay::new(args.json));
    let cancel = CancelFlag::default();
    {
        let display = Arc::clone(&display);
        crate::stop::watch(cancel.clone(), move |message| display.message(message));
    }
    let events = Arc::clone(&display);
    let outcome = distributed::render_chunk(
        &args.plan,
        index,
        &args.output,
        &base,
        Arc::new(move |event| events.handle(&event)),
        cancel,
    )
    .await;
    display.finish();
    match outcome
        .with_context(|| format!("rendering chunk {index} of {} failed", args.plan.display()))?
    {
        ChunkOutcome::Rendered { path, frames } => {
            println!("chunk {index}: {frames} frames -> {}", path.display());
        }
        ChunkOutcome::Kept { path } => {
            println!(
                "chunk {index}: kept {} (already rendered for this plan)",
                path.display()
            );
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct AssembleArgs {
    /// The plan folder.
    plan: PathBuf,

    /// The folder render-chunk wrote the chunks into.
    chunks: PathBuf,

    /// The video to write, of the plan's format (.mp4, .webm, .mov, or a folder for a PNG
    /// sequence); written under a temporary name and renamed, as framecast render writes.
    #[arg(short, long)]
    output: PathBuf,

    /// Replace a PNG sequence framecast wrote earlier at the output.
    #[arg(long)]
    overwrite: bool,
}

pub fn run_assemble(args: &AssembleArgs) -> anyhow::Result<()> {
    let summary = distributed::assemble(&args.plan, &args.chunks, &args.output, args.overwrite)
        .with_context(|| format!("assembling {} failed", args.output.display()))?;
    println!(
        "assembled {} chunks, {} frames{} -> {}",
        summary.chunks,
        summary.plan.frame_count,
        if summary.audio { " with audio" } else { "" },
        summary.output.display()
    );
    Ok(())
}
