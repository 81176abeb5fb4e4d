//! The `framecast` command line: argument parsing, logging, progress display, Ctrl-C handling,
//! and turning library errors into one clear paragraph and exit code 1.

mod batch;
mod doctor;
mod exact_frames;
mod init;
mod lint;
mod media_args;
mod memory_report;
mod plan;
mod preview;
mod progress;
mod regress;
mod render;
mod snapshot;
mod stop;
mod values;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Render HTML compositions (HTML + CSS + GSAP and friends, with data-* timing) to video.
#[derive(Debug, Parser)]
#[command(
    name = "framecast",
    version,
    about,
    propagate_version = true,
    term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Log more (repeat for more detail); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render a composition to a video file.
    Render(render::RenderArgs),
    /// Serve a composition with a player page that plays, scrubs and live-reloads it.
    Preview(preview::PreviewArgs),
    /// Write PNG stills of exact times, captured as a render captures them.
    Snapshot(snapshot::SnapshotArgs),
    /// Render every fixture and compare it with its golden (the regression harness).
    Regress(regress::RegressArgs),
    /// Check a composition for mistakes before rendering it.
    Lint(lint::LintArgs),
    /// Check that this machine can render: Chrome, FFmpeg, fonts, memory, disk, cores.
    Doctor(doctor::DoctorArgs),
    /// Start a new project: a composition that previews and renders as it is.
    Init(init::InitArgs),
    /// Plan a render as closed-GOP chunks for a batch engine (Slurm, Kubernetes, CI).
    ///
    /// The plan is a self-contained folder: the composition's files, the render settings, the
    /// frame plan, chunks.json, the mixed audio and a content hash.
    Plan(plan::PlanArgs),
    /// Render one chunk of a plan into a closed-GOP segment.
    ///
    /// The index comes from --index, else $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX.
    RenderChunk(plan::RenderChunkArgs),
    /// Join a plan's chunks into the video by stream copy, with the plan's audio.
    Assemble(plan::AssembleArgs),
}

/// Counts the heap by owner, for `FRAMECAST_MEMORY_REPORT` (memory_report.rs); a 16-byte header
/// per allocation and a few relaxed atomics, nothing a render can measure.
#[global_allocator]
static ALLOCATOR: framecast_memory::Counting = framecast_memory::Counting;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("framecast-io")
        .build()
        .expect("the tokio runtime should start");
    let result = runtime.block_on(async {
        // Most commands succeed or fail; lint and doctor choose their own exit code.
        let done = |result: anyhow::Result<()>| result.map(|()| ExitCode::SUCCESS);
        match cli.command {
            Command::Render(args) => done(render::run(args).await),
            Command::Preview(args) => done(preview::run(args).await),
            Command::Snapshot(args) => done(snapshot::run(args).await),
            Command::Regress(args) => done(regress::run(args).await),
            Command::Lint(args) => Ok(lint::run(&args).await),
            Command::Doctor(args) => doctor::run(args).await,
            Command::Init(args) => done(init::run(&args)),
            Command::Plan(args) => done(plan::run_plan(args).await),
            Command::RenderChunk(args) => done(plan::run_render_chunk(args).await),
            Command::Assemble(args) => done(plan::run_assemble(&args)),
        }
    });
    // Chrome sessions and the file server are closed by the commands themselves; do not wait on
    // stray tasks.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(code) => code,
        Err(error) if is_cancellation(&error) => {
            eprintln!("stopped: {error:#}");
            ExitCode::from(stop::exit_code())
        }
        Err(error) => {
            eprintln!("error: {}", describe(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error as one paragraph; a setting the library refused is named by its flag, which only
/// the CLI knows.
fn describe(error: &anyhow::Error) -> String {
    let setting = error.chain().find_map(|cause| match cause.downcast_ref() {
        Some(framecast_render::RenderError::Setting { setting, .. }) => Some(*setting),
        _ => None,
    });
    match setting {
        Some(setting) => format!("{error:#} (set with {})", values::flag_for(setting)),
        None => format!("{error:#}"),
    }
}

/// A render stopped by Ctrl-C or SIGTERM exits with 128 + the signal, as shells expect.
fn is_cancellation(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref(),
            Some(framecast_render::RenderError::Cancelled)
        )
    })
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn,chromiumoxide=error",
        1 => "info,chromiumoxide=error",
        _ => "debug,chromiumoxide=info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
