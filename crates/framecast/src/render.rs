//! `framecast render`.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
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
    /// The composition: a project directory containing index.html, or an .html file.
    #[arg(default_value = ".")]
    pub(crate) input: PathBuf,

    /// Render this .html file of the project directory instead of its index.html (relative to
    /// the project, e.g. compositions/intro.html); the project directory is still the one
    /// served, so its references to the project's other folders work.
    #[arg(short, long, value_name = "FILE")]
    composition: Option<PathBuf>,

    /// Where to write the video: a new file (.mp4, .webm, .mov, .gif), or a new folder for a
    /// PNG sequence (a name without extension, or ending in /) or for --format hls. Written
    /// under a temporary name and renamed on success; an existing file is replaced only if it
    /// is of the same format, and an existing folder is never written into. Default, as in
    /// HyperFrames: renders/<project>_<date>_<time>.mp4 (or the format's extension, none for a
    /// folder) in the current directory.
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,

    /// Replace a PNG sequence or HLS folder that framecast wrote earlier (recognised by its
    /// framecast-sequence.json or framecast-hls.json) with output of the same kind. Nothing
    /// else is ever replaced.
    #[arg(long)]
    overwrite: bool,

    /// Frames per second: an integer, a decimal (29.97) or a ratio (30000/1001). Defaults to the
    /// composition's data-fps, else 30.
    #[arg(short, long, value_parser = crate::values::fps, help_heading = "Output")]
    fps: Option<Fps>,

    /// Quality preset, as HyperFrames names them: draft (x264 ultrafast CRF 28, JPEG captures
    /// at 80), standard (medium CRF 18), looks (medium CRF 16, the default), high or delivery
    /// (slow CRF 15); all but draft capture JPEG at 100.
    #[arg(short, long, value_enum, default_value_t = QualityArg::Looks, help_heading = "Output")]
    quality: QualityArg,

    /// Constant rate factor for x264 (0–51, lower is better); overrides the preset's.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=51), help_heading = "Output")]
    crf: Option<u8>,

    /// Target video bitrate instead of a CRF, such as 10M or 2500k (mp4, webm and hls;
    /// one-pass average bitrate).
    #[arg(long, value_parser = crate::values::bitrate, conflicts_with = "crf", help_heading = "Output")]
    video_bitrate: Option<u64>,

    /// libvpx-vp9 cpu-used for webm (-8 to 8): higher is faster, with more size for the same
    /// quality. Default: the preset's (8 for draft, 5 otherwise).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(i8).range(-8..=8), help_heading = "Output")]
    vp9_cpu_used: Option<i8>,

    /// Render at a multiple of the composition's size through Chrome's device scale factor,
    /// so text and shapes are drawn at the output size rather than upscaled: landscape
    /// (1920x1080), portrait, landscape-4k (3840x2160), portrait-4k, square (1080x1080),
    /// square-4k; aliases 1080p, hd, 4k, uhd (their orientation follows the composition's);
    /// or WxH, or 2x. The aspect ratio must be the composition's and the multiple whole.
    #[arg(long, value_parser = crate::values::resolution, help_heading = "Output")]
    resolution: Option<framecast_render::Resolution>,

    /// JPEG quality of Chrome's captures (1–100), overriding the preset's (for measurements).
    #[arg(long, hide = true, value_parser = clap::value_parser!(u8).range(1..=100))]
    jpeg_quality: Option<u8>,

    /// Chrome capture workers: a number, or auto.
    #[arg(short, long, default_value = "auto", value_parser = crate::values::workers, help_heading = "Performance")]
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

    /// As --strict, and lint warnings stop the render too.
    #[arg(long)]
    strict_all: bool,

    /// Print only errors and the written path: no progress, no lint summary when clean.
    #[arg(long, conflicts_with = "json")]
    quiet: bool,

    /// Values for the composition's declared variables, as a JSON object:
    /// --variables '{"title":"Hello","accent":"#ff0000"}'.
    #[arg(long, help_heading = "Composition", conflicts_with = "variables_file")]
    variables: Option<String>,

    /// A JSON file with values for the composition's declared variables.
    #[arg(long, help_heading = "Composition")]
    variables_file: Option<PathBuf>,

    /// Render one output per row of a JSON array of variable objects (or {"rows": [...]}),
    /// named by -o with {index} and {field} placeholders: -o "renders/{name}.mp4" (a field
    /// -o names that the composition does not declare only names the output). Default:
    /// renders/<project>_<date>_<time>_{index}.mp4.
    #[arg(long, value_name = "ROWS.json", help_heading = "Batch", conflicts_with_all = ["variables", "variables_file"])]
    pub(crate) batch: Option<PathBuf>,

    /// Batch rows rendered at once (each render already uses several Chrome workers).
    #[arg(long, default_value = "1", requires = "batch", help_heading = "Batch")]
    batch_concurrency: NonZeroUsize,

    /// Stop starting batch rows after the first one fails (the rest are reported skipped).
    #[arg(long, requires = "batch", help_heading = "Batch")]
    batch_fail_fast: bool,

    #[command(flatten)]
    media: crate::media_args::MediaArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum QualityArg {
    Draft,
    Standard,
    Looks,
    High,
    Delivery,
}

pub async fn run(args: RenderArgs) -> anyhow::Result<()> {
    if let Some(rows_file) = &args.batch {
        return run_batch(&args, rows_file).await;
    }
    let output = match &args.output {
        Some(output) => output.clone(),
        None => default_output(&args.input, "", args.media.extension())?,
    };
    let options = options_from(&args, output)?;
    lint_before_render(&args)?;
    let memory = crate::memory_report::MemoryReport::from_env();
    let display = Arc::new(ProgressDisplay::new(args.json).with_quiet(args.quiet));
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
    if let Some(memory) = memory {
        memory.write()?;
    }
    let fps = summary.plan.frame_count as f64 / summary.seconds.max(1e-9);
    display.handle(&ProgressEvent::Finished {
        frames: summary.plan.frame_count,
        seconds: summary.seconds,
        fps,
        output: summary.output.display().to_string(),
    });
    Ok(())
}

pub(crate) fn lint_before_render(args: &RenderArgs) -> anyhow::Result<()> {
    let linted = match &args.composition {
        Some(entry) => args.input.join(entry),
        None => args.input.clone(),
    };
    let gate = crate::lint::LintGate {
        strict: args.strict,
        strict_all: args.strict_all,
        quiet: args.quiet,
    };
    crate::lint::before_render(&linted, gate)
}

/// `--batch`: every row's options resolved, then the rows rendered (batch.rs).
async fn run_batch(args: &RenderArgs, rows_file: &Path) -> anyhow::Result<()> {
    let rows = crate::batch::read_rows(rows_file)?;
    let template = match &args.output {
        Some(output) => output.to_string_lossy().into_owned(),
        None => default_output(&args.input, "_{index}", args.media.extension())?
            .to_string_lossy()
            .into_owned(),
    };
    lint_before_render(args)?;
    // A row's fields that the composition does not declare but -o names (`{name}`) only name
    // the output; any other undeclared field is still refused by the page, as a typo should be.
    let composition = match &args.composition {
        Some(entry) => framecast_composition::Composition::load_entry(&args.input, entry),
        None => framecast_composition::Composition::load(&args.input),
    }
    .with_context(|| format!("cannot read the composition {}", args.input.display()))?;
    let declared: Vec<String> = composition.variables.iter().map(|v| v.id.clone()).collect();
    let naming_only = |key: &str| {
        !declared.iter().any(|id| id == key) && template.contains(&format!("{{{key}}}"))
    };
    let settings = crate::batch::BatchSettings {
        rows_file,
        template: template.clone(),
        concurrency: args.batch_concurrency.get(),
        fail_fast: args.batch_fail_fast,
        json: args.json,
    };
    crate::batch::run(settings, rows, |output, mut variables| {
        variables.retain(|key, _| !naming_only(key));
        let mut options = options_from(args, output)?;
        options.variables = Some(variables);
        options.read_files.push(rows_file.to_path_buf());
        Ok(options)
    })
    .await
}

pub(crate) fn options_from(args: &RenderArgs, output: PathBuf) -> anyhow::Result<RenderOptions> {
    let mut options = RenderOptions::new(&args.input, output);
    options.entry = args
        .composition
        .as_deref()
        .map(|entry| composition_entry(&args.input, entry))
        .transpose()?;
    options.fps = args.fps;
    options.quality = match args.quality {
        QualityArg::Draft => Quality::Draft,
        QualityArg::Standard => Quality::Standard,
        QualityArg::Looks => Quality::Looks,
        QualityArg::High | QualityArg::Delivery => Quality::High,
    };
    options.jpeg_quality = args.jpeg_quality;
    options.video_bitrate = args.video_bitrate;
    options.vp9_cpu_used = args.vp9_cpu_used;
    options.resolution = args.resolution;
    options.crf = args.crf;
    options.workers = args.workers;
    options.browser = BrowserSettings {
        chrome_path: args.chrome.clone(),
        frame_timeout: args.frame_timeout,
        ready_timeout: args.ready_timeout,
        allow_network: args.allow_network,
        remote: RemotePolicy {
            offline: args.offline,
            strict: args.strict || args.strict_all,
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

/// `--composition`: an .html file inside the project directory, as given relative to it.
fn composition_entry(project: &Path, entry: &Path) -> anyhow::Result<PathBuf> {
    let path = project.join(entry);
    if !path.is_file() {
        anyhow::bail!(
            "--composition {}: {} is not a file; pass an .html file relative to the project directory {} (e.g. compositions/intro.html), or omit --composition to render its index.html",
            entry.display(),
            path.display(),
            project.display()
        );
    }
    let inside = match (path.canonicalize(), project.canonicalize()) {
        (Ok(file), Ok(project)) => file.starts_with(project),
        _ => false,
    };
    if !inside {
        anyhow::bail!(
            "--composition {}: the file must be inside the project directory {}",
            entry.display(),
            project.display()
        );
    }
    Ok(entry.to_path_buf())
}

/// HyperFrames' default output: `renders/<project>_<YYYY-MM-DD_HH-MM-SS><ext>` under the
/// current directory (local time); a name already taken gets `_2`, `_3`, …, so a default
/// output never replaces anything. `renders/` is created by the publish step, which removes it
/// again if the render fails.
fn default_output(input: &Path, suffix: &str, extension: &str) -> anyhow::Result<PathBuf> {
    let project = input.canonicalize().unwrap_or_else(|_| input.to_path_buf());
    let project = if project.is_file() {
        project.parent().map_or(project.clone(), Path::to_path_buf)
    } else {
        project
    };
    let name = project.file_name().map_or_else(
        || "composition".to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let renders = PathBuf::from("renders");
    let stem = format!("{name}_{}{suffix}", local_timestamp());
    let mut candidate = renders.join(format!("{stem}{extension}"));
    let mut counter = 2;
    while candidate.exists() {
        candidate = renders.join(format!("{stem}_{counter}{extension}"));
        counter += 1;
    }
    Ok(candidate)
}

/// `2026-12-03_14-05-09` in local time.
fn local_timestamp() -> String {
    // SAFETY: `time` and `localtime_r` with a valid out-pointer; `tm` is plain data.
    let tm = unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&now, &mut tm);
        tm
    };
    format!(
        "{:04}-{:02}-{:02}_{:02}-{:02}-{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
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
