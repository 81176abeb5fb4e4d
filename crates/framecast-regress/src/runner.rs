//! A regression run: pick the fixtures (filter, skip tag, shard), render each one through the
//! library, judge it against its golden or make it the golden, and record timings.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use framecast_media::OutputFormat;
use framecast_render::{BrowserSettings, CancelFlag, Quality, RenderOptions, WorkerCount};
use regex::Regex;

use crate::fixture::{Fixture, discover};
use crate::golden::{self, GoldenPaths};
use crate::judge::{ImageSink, judge, judge_png_sequence};
use crate::outcome::{FixtureOutcome, Pair, RunSummary, Status};
use crate::shard::{ShardSpec, Timings, select_shard};
use crate::{RegressError, report};

/// Everything `framecast regress` takes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub fixtures_dir: PathBuf,
    pub goldens_dir: PathBuf,
    pub timings_path: PathBuf,
    pub filter: Option<Regex>,
    pub shard: Option<ShardSpec>,
    /// Make each render the fixture's new golden instead of comparing.
    pub update: bool,
    /// Record each fixture's time in the timings file.
    pub update_timings: bool,
    /// Write `report.json`, `index.html` and failing frames' images here.
    pub report_dir: Option<PathBuf>,
    pub chrome_path: PathBuf,
    pub max_golden_bytes: u64,
    pub cancel: CancelFlag,
}

impl RunOptions {
    /// The defaults `framecast regress` uses: `fixtures/`, `regression/goldens/`,
    /// `regression/timings.json` under `root`.
    pub fn new(root: &Path) -> Self {
        RunOptions {
            fixtures_dir: root.join("fixtures"),
            goldens_dir: root.join("regression/goldens"),
            timings_path: root.join("regression/timings.json"),
            filter: None,
            shard: None,
            update: false,
            update_timings: false,
            report_dir: None,
            chrome_path: BrowserSettings::default().chrome_path,
            max_golden_bytes: golden::DEFAULT_MAX_GOLDEN_BYTES,
            cancel: CancelFlag::default(),
        }
    }
}

/// The fixtures this run covers, in order, after the filter and the shard.
pub fn select(options: &RunOptions) -> Result<Vec<Fixture>, RegressError> {
    let all = discover(&options.fixtures_dir, options.filter.as_ref())?;
    let Some(spec) = options.shard else {
        return Ok(all);
    };
    let timings = Timings::load(&options.timings_path)?;
    let ids: Vec<String> = all.iter().map(|fixture| fixture.id.clone()).collect();
    let chosen = select_shard(&ids, &timings, spec);
    Ok(all
        .into_iter()
        .filter(|fixture| chosen.contains(&fixture.id))
        .collect())
}

/// Runs the selected fixtures one after another (each render already uses every core), calling
/// `on_outcome` as each finishes. Writes the report and timings when asked.
pub async fn run(
    options: &RunOptions,
    on_outcome: &(dyn Fn(&FixtureOutcome) + Send + Sync),
) -> Result<RunSummary, RegressError> {
    let started = Instant::now();
    let fixtures = select(options)?;
    if let Some(dir) = &options.report_dir {
        check_report_dir(dir)?;
        std::fs::create_dir_all(dir).map_err(|source| RegressError::Io {
            path: dir.clone(),
            action: "creating",
            source,
        })?;
    }
    let mut outcomes = Vec::with_capacity(fixtures.len());
    for fixture in &fixtures {
        if options.cancel.is_cancelled() {
            break;
        }
        if let Some(dir) = &options.report_dir {
            // Images of an earlier run would otherwise sit beside this run's.
            let stale = dir.join(&fixture.id);
            if stale.is_dir() {
                std::fs::remove_dir_all(&stale).map_err(|source| RegressError::Io {
                    path: stale.clone(),
                    action: "clearing",
                    source,
                })?;
            }
        }
        let outcome = run_fixture(fixture, options).await;
        on_outcome(&outcome);
        outcomes.push(outcome);
    }
    let summary = RunSummary {
        shard: options
            .shard
            .map(|spec| format!("{}/{}", spec.index, spec.count)),
        fixtures: outcomes,
        seconds: started.elapsed().as_secs_f64(),
    };
    if options.update_timings {
        record_timings(options, &summary)?;
    }
    if let Some(dir) = &options.report_dir {
        report::write_report(dir, &summary)?;
    }
    Ok(summary)
}

/// The report folder is new, empty, or an earlier report (it has `report.json`): this run
/// clears a fixture's images of an earlier run in it, and must never do so in a user's folder.
fn check_report_dir(dir: &Path) -> Result<(), RegressError> {
    let refuse = |reason: &str| RegressError::Report {
        path: dir.to_path_buf(),
        reason: reason.to_string(),
    };
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.exists() && !dir.is_dir() => Err(refuse(
            "it is a file, not a folder; name a new folder for the report",
        )),
        Err(error) => Err(refuse(&error.to_string())),
        Ok(true) => Ok(()),
        Ok(false) if is_report(&dir.join("report.json")) => Ok(()),
        Ok(false) => Err(refuse(
            "the folder is not empty and holds no earlier framecast report (report.json); name a new folder for the report",
        )),
    }
}

/// Whether `path` is a `report.json` this harness wrote (a run summary with its fixtures).
fn is_report(path: &Path) -> bool {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|value| value.get("fixtures").is_some_and(|f| f.is_array()))
}

/// Merges this run's times into the timings file, and drops fixtures that no longer exist.
fn record_timings(options: &RunOptions, summary: &RunSummary) -> Result<(), RegressError> {
    let mut timings = Timings::load(&options.timings_path)?;
    for outcome in &summary.fixtures {
        if matches!(
            outcome.status,
            Status::Passed | Status::Failed | Status::Updated
        ) {
            timings.0.insert(outcome.id.clone(), outcome.seconds);
        }
    }
    timings
        .0
        .retain(|id, _| options.fixtures_dir.join(id).join("meta.json").is_file());
    timings.save(&options.timings_path)
}

async fn run_fixture(fixture: &Fixture, options: &RunOptions) -> FixtureOutcome {
    let started = Instant::now();
    let meta = &fixture.meta;
    let mut outcome = FixtureOutcome::new(
        &fixture.id,
        &meta.name,
        meta.min_psnr,
        meta.max_frame_failures,
    );
    if fixture.is_skipped() {
        outcome.status = Status::Skipped;
        outcome
            .problems
            .push(format!("tagged {:?}", crate::fixture::SKIP_TAG));
        return outcome;
    }
    if let Err(problem) = judge_fixture(fixture, options, &mut outcome).await {
        outcome.status = Status::Error;
        outcome.problems.push(problem);
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome
}

async fn judge_fixture(
    fixture: &Fixture,
    options: &RunOptions,
    outcome: &mut FixtureOutcome,
) -> Result<(), String> {
    let format = output_format(fixture)?;
    let mut paths = GoldenPaths::new(&options.goldens_dir, &fixture.id, &output_name(format));
    // A HyperFrames fixture folder carries its baseline in `output/`; compare with it when the
    // goldens directory has none (`--update` still writes to the goldens directory).
    let baseline = fixture.dir.join("output").join(output_name(format));
    if !options.update && !paths.video.exists() && baseline.exists() {
        paths.video = baseline;
    }
    if !options.update {
        // A missing or oversized golden is known before paying for the render.
        golden::check_size(&fixture.id, &paths.video, options.max_golden_bytes)
            .map_err(|error| error.to_string())?;
    }
    let scratch = tempfile::Builder::new()
        .prefix("framecast-regress-")
        .tempdir()
        .map_err(|error| format!("cannot create a scratch directory: {error}"))?;
    let rendered = scratch.path().join(output_name(format));
    let render = render_options(fixture, format, &rendered, &options.chrome_path)?;
    let summary = framecast_render::render(&render, Arc::new(|_| {}), options.cancel.clone())
        .await
        .map_err(|error| format!("the render failed: {error}"))?;
    outcome.render_seconds = Some(summary.seconds);

    if options.update {
        golden::update(&fixture.id, &paths, &rendered, options.max_golden_bytes)
            .map_err(|error| error.to_string())?;
        outcome.status = Status::Updated;
        outcome.frames = Some(Pair {
            golden: summary.plan.frame_count,
            rendered: summary.plan.frame_count,
        });
        return Ok(());
    }

    let meta = fixture.meta.clone();
    let report_dir = options.report_dir.clone();
    let id = fixture.id.clone();
    let mut judged = outcome.clone();
    // Decoding and PSNR are CPU work: keep them off the async runtime's threads.
    let judged = tokio::task::spawn_blocking(move || {
        let images = report_dir.as_deref().map(|report_dir| ImageSink {
            report_dir,
            id: &id,
        });
        if format == OutputFormat::PngSequence {
            judge_png_sequence(&paths.video, &rendered, &meta, images, &mut judged);
        } else {
            judge(&paths.video, &rendered, &meta, images, &mut judged);
        }
        drop(scratch);
        judged
    })
    .await
    .map_err(|error| format!("the comparison panicked: {error}"))?;
    *outcome = judged;
    Ok(())
}

/// What a render in `format` is called, in the scratch directory and in the goldens.
fn output_name(format: OutputFormat) -> String {
    match format.extension() {
        Some(extension) => format!("output.{extension}"),
        None => "frames".to_string(),
    }
}

/// The output format `renderConfig.format` names.
fn output_format(fixture: &Fixture) -> Result<OutputFormat, String> {
    match fixture.meta.render.format.as_str() {
        "mp4" => Ok(OutputFormat::Mp4),
        "webm" => Ok(OutputFormat::Webm),
        "mov" => Ok(OutputFormat::Mov),
        "gif" => Ok(OutputFormat::Gif),
        "png-sequence" => Ok(OutputFormat::PngSequence),
        other => Err(format!(
            "renderConfig.format {other:?} is not one of mp4, webm, mov, gif, png-sequence"
        )),
    }
}

/// The render a fixture's `renderConfig` asks for, or why the renderer cannot do it yet.
fn render_options(
    fixture: &Fixture,
    format: OutputFormat,
    output: &Path,
    chrome_path: &Path,
) -> Result<RenderOptions, String> {
    let config = &fixture.meta.render;
    if config.hdr {
        return Err("renderConfig.hdr true is not supported by the renderer yet".into());
    }
    let mut options = RenderOptions::new(&fixture.src, output);
    options.fps = config.fps;
    options.quality = match config.quality.as_str() {
        "draft" => Quality::Draft,
        "standard" => Quality::Standard,
        "looks" => Quality::Looks,
        "high" | "delivery" => Quality::High,
        other => {
            return Err(format!(
                "renderConfig.quality {other:?} is not one of draft, standard, looks, high, delivery"
            ));
        }
    };
    options.workers = config
        .workers
        .and_then(std::num::NonZeroUsize::new)
        .map_or(WorkerCount::Auto, WorkerCount::Fixed);
    options.variables = config.variables.clone();
    options.media.format = Some(format);
    options.browser.chrome_path = chrome_path.to_path_buf();
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_goes_only_into_a_new_empty_or_earlier_report_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_report_dir(&dir.path().join("new")).is_ok());
        assert!(check_report_dir(dir.path()).is_ok(), "empty");
        std::fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
        let error = check_report_dir(dir.path()).unwrap_err().to_string();
        assert!(error.contains("not empty"), "{error}");
        std::fs::write(dir.path().join("report.json"), b"{\"other\": 1}").unwrap();
        assert!(
            check_report_dir(dir.path()).is_err(),
            "not a framecast report"
        );
        std::fs::write(dir.path().join("report.json"), b"{\"fixtures\": []}").unwrap();
        assert!(check_report_dir(dir.path()).is_ok());
        let file = dir.path().join("notes.txt");
        assert!(
            check_report_dir(&file)
                .unwrap_err()
                .to_string()
                .contains("is a file")
        );
    }
}
