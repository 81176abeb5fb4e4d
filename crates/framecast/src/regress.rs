//! `framecast regress`: render every fixture and compare it with its golden.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use framecast_regress::{RunOptions, ShardSpec, Status};
use regex::Regex;

#[derive(Debug, Args)]
pub struct RegressArgs {
    /// The fixtures directory: one folder per fixture with meta.json and src/index.html.
    #[arg(default_value = "fixtures")]
    dir: PathBuf,

    /// Only fixtures whose folder name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    filter: Option<String>,

    /// Run only shard I of N; fixtures are split by the times in the timings file.
    #[arg(long, value_name = "I/N", help_heading = "CI")]
    shard: Option<String>,

    /// Make each render the fixture's new golden instead of comparing with the old one.
    #[arg(long, help_heading = "Goldens")]
    update: bool,

    /// Record each fixture's run time in the timings file, for --shard.
    #[arg(long, help_heading = "CI")]
    update_timings: bool,

    /// Print the fixtures this run would cover, one per line, and render nothing.
    #[arg(long)]
    list: bool,

    /// Write report.json, index.html and failing frames' images to this directory.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,

    /// Where goldens live, one folder per fixture.
    #[arg(long, default_value = "regression/goldens", help_heading = "Goldens")]
    goldens: PathBuf,

    /// The recorded run time of each fixture.
    #[arg(long, default_value = "regression/timings.json", help_heading = "CI")]
    timings: PathBuf,

    /// The largest golden allowed per fixture, in KB.
    #[arg(long, default_value_t = 1024, help_heading = "Goldens")]
    max_golden_kb: u64,

    /// The chrome-headless-shell binary to use.
    #[arg(long, default_value = framecast_browser::DEFAULT_CHROME_PATH, help_heading = "Browser")]
    chrome: PathBuf,
}

pub async fn run(args: RegressArgs) -> anyhow::Result<()> {
    let mut options = RunOptions::new(std::path::Path::new("."));
    options.fixtures_dir = args.dir;
    options.goldens_dir = args.goldens;
    options.timings_path = args.timings;
    options.filter = args
        .filter
        .as_deref()
        .map(Regex::new)
        .transpose()
        .context("invalid --filter")?;
    options.shard = args
        .shard
        .as_deref()
        .map(str::parse::<ShardSpec>)
        .transpose()
        .context("invalid --shard")?;
    options.update = args.update;
    options.update_timings = args.update_timings;
    options.report_dir = args.report;
    options.max_golden_bytes = args.max_golden_kb * 1024;
    options.chrome_path = args.chrome;
    crate::stop::watch(options.cancel.clone(), |message| eprintln!("{message}"));

    let selected = framecast_regress::select(&options)?;
    if args.list {
        for fixture in &selected {
            println!("{}", fixture.id);
        }
        return Ok(());
    }
    eprintln!(
        "regress: {} fixture(s){}",
        selected.len(),
        options
            .shard
            .map(|s| format!(" in shard {}/{}", s.index, s.count))
            .unwrap_or_default()
    );
    let summary = framecast_regress::run(&options, &|outcome| {
        eprintln!(
            "regress: {} {} ({:.1} s)",
            outcome.id,
            outcome.status.label(),
            outcome.seconds
        );
    })
    .await?;
    print!("{}", framecast_regress::summary_table(&summary));
    if let Some(dir) = &options.report_dir {
        println!("report: {}", dir.join("index.html").display());
    }
    if options.cancel.is_cancelled() {
        return Err(framecast_render::RenderError::Cancelled.into());
    }
    let failures = summary.failures();
    if failures > 0 {
        let names: Vec<&str> = summary
            .fixtures
            .iter()
            .filter(|outcome| matches!(outcome.status, Status::Failed | Status::Error))
            .map(|outcome| outcome.id.as_str())
            .collect();
        anyhow::bail!(
            "{failures} fixture(s) did not match their golden: {}",
            names.join(", ")
        );
    }
    Ok(())
}
