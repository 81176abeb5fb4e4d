//! `framecast render`.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use framecast_composition::Fps;
use framecast_render::{
    BrowserSettings, CancelFlag, ProgressEvent, Quality, RemotePolicy, RenderOptions, WorkerCount,
};

use crate::progress::ProgressDisplay;

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The composition: a directory containing index.html, or an .html file.
    input: PathBuf,

    /// Where to write the video: a new file (.mp4, .webm, .mov, .gif), or a new folder for a
    /// PNG sequence (a name without extension, or ending in /). Written under a temporary name
    /// and renamed on success; an existing file is replaced only if it is of the same format,
    /// and an existing folder is never written into.
    #[arg(short, long)]
    output: PathBuf,

    /// Replace a PNG sequence folder that framecast wrote earlier (recognised by its
    /// framecast-sequence.json). Nothing else is ever replaced.
    #[arg(long)]
    overwrite: bool,

    /// Frames per second: an integer, a decimal (29.97) or a ratio (30000/1001). Defaults to the
    /// composition's data-fps, else 30.
    #[arg(long, value_parser = crate::values::fps, help_heading = "Output")]
    fps: Option<Fps>,

    /// Encoding preset: draft (fast, small), standard, or high.
    #[arg(long, value_enum, default_value_t = QualityArg::Standard, help_heading = "Output")]
    quality: QualityArg,

    /// Constant rate factor for x264 (0–51, lower is better); overrides the preset's.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=51), help_heading = "Output")]
    crf: Option<u8>,

    /// Chrome capture workers: a number, or auto.
    #[arg(long, default_value = "auto", value_parser = crate::values::workers, help_heading = "Performance")]
    workers: WorkerCount,

    /// Shader-transition frames each worker may have waiting for their blend while it
    /// captures the next ones (each holds two captured layers).
    #[arg(long, default_value = "2", help_heading = "Performance")]
    blend_ring: NonZeroUsize,

    /// Print progress as JSON lines on stdout instead of a progress bar.
    #[arg(long)]
    json: bool,

    /// The chrome-headless-shell binary to use.
    #[arg(long, default_value = framecast_browser::DEFAULT_CHROME_PATH, help_heading = "Browser")]
    chrome: PathBuf,

    /// Capture and decode every frame, but encode and write nothing (for benchmarks).
    #[arg(long, hide = true)]
    discard_output: bool,

    /// Seconds a single frame's seek or capture may take before the render fails.
    #[arg(long, default_value = "30", value_parser = crate::values::seconds, help_heading = "Browser")]
    frame_timeout: Duration,

    /// Seconds the page may take to load (fonts, images, sub-compositions, libraries) before
    /// the render fails, naming what it was still waiting for.
    #[arg(long, default_value = "30", value_parser = crate::values::seconds, help_heading = "Browser")]
    ready_timeout: Duration,

    /// Let the page reach the network. By default it reaches only the composition's own files,
    /// known CDN scripts (served from the copies embedded in framecast) and the outside assets
    /// its files name (fetched once into framecast's cache before the render); any other
    /// request fails the render.
    #[arg(long, help_heading = "Browser", conflicts_with = "offline")]
    allow_network: bool,

    /// Never touch the network: outside assets the composition names (Google Fonts, images on
    /// a CDN) come from framecast's cache only, and one that is not there is left out with a
    /// warning.
    #[arg(long, help_heading = "Browser")]
    offline: bool,

    /// Stop the render, before Chrome starts, when lint finds an error or an outside asset the
    /// composition names cannot be fetched, instead of warning and rendering anyway.
    #[arg(long)]
    strict: bool,

    /// Values for the composition's declared variables, as a JSON object:
    /// --variables '{"title":"Hello","accent":"#ff0000"}'.
    #[arg(long, help_heading = "Composition", conflicts_with = "variables_file")]
    variables: Option<String>,

    /// A JSON file with values for the composition's declared variables.
    #[arg(long, help_heading = "Composition")]
    variables_file: Option<PathBuf>,

    #[command(flatten)]
    media: crate::media_args::MediaArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum QualityArg {
    Draft,
    Standard,
    High,
}

pub async fn run(args: RenderArgs) -> anyhow::Result<()> {
    let options = options_from(&args)?;
    crate::lint::before_render(&args.input, args.strict)?;
    let display = Arc::new(ProgressDisplay::new(args.json));
    let cancel = CancelFlag::default();
    {
        let display = Arc::clone(&display);
        crate::stop::watch(cancel.clone(), move |message| display.message(message));
    }
    let events = Arc::clone(&display);
    let summary = framecast_render::render(
        &options,
        Arc::new(move |event| events.handle(&event)),
        cancel,
    )
    .await;
    display.finish();
    let summary = summary.with_context(|| format!("rendering {} failed", args.input.display()))?;
    let fps = summary.plan.frame_count as f64 / summary.seconds.max(1e-9);
    display.handle(&ProgressEvent::Finished {
        frames: summary.plan.frame_count,
        seconds: summary.seconds,
        fps,
        output: summary.output.display().to_string(),
    });
    Ok(())
}

fn options_from(args: &RenderArgs) -> anyhow::Result<RenderOptions> {
    let mut options = RenderOptions::new(&args.input, &args.output);
    options.fps = args.fps;
    options.quality = match args.quality {
        QualityArg::Draft => Quality::Draft,
        QualityArg::Standard => Quality::Standard,
        QualityArg::High => Quality::High,
    };
    options.crf = args.crf;
    options.workers = args.workers;
    options.browser = BrowserSettings {
        chrome_path: args.chrome.clone(),
        frame_timeout: args.frame_timeout,
        ready_timeout: args.ready_timeout,
        allow_network: args.allow_network,
        remote: RemotePolicy {
            offline: args.offline,
            strict: args.strict,
        },
        ..BrowserSettings::default()
    };
    options.blend_ring = args.blend_ring;
    options.discard_output = args.discard_output;
    options.variables = variables_from(args)?;
    options.overwrite = args.overwrite;
    options
        .read_files
        .extend(args.variables_file.iter().cloned());
    args.media.apply(&mut options)?;
    Ok(options)
}

/// The `--variables` / `--variables-file` JSON, which must be an object of variable values.
fn variables_from(
    args: &RenderArgs,
) -> anyhow::Result<Option<serde_json::Map<String, serde_json::Value>>> {
    let (text, source) = match (&args.variables, &args.variables_file) {
        (Some(text), _) => (text.clone(), "--variables".to_string()),
        (None, Some(path)) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --variables-file {}", path.display()))?,
            format!("--variables-file {}", path.display()),
        ),
        (None, None) => return Ok(None),
    };
    let values = framecast_composition::parse_variable_values(&text, &source)?;
    Ok(Some(values))
}
