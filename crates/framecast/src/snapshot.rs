//! `framecast snapshot`: PNG stills of exact times, through the render path.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use framecast_render::SnapshotOptions;

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// The composition: a directory containing index.html, or an .html file.
    #[arg(default_value = ".")]
    input: PathBuf,

    /// Times in seconds, separated by commas: --at 0.5,1.5,3.2
    #[arg(long, value_delimiter = ',', required = true)]
    at: Vec<f64>,

    /// The directory to write frame_<time>.png files to.
    #[arg(short, long, default_value = ".")]
    output: PathBuf,

    /// The chrome-headless-shell binary to use.
    #[arg(long, default_value = framecast_browser::DEFAULT_CHROME_PATH, help_heading = "Browser")]
    chrome: PathBuf,

    /// Seconds a single seek or capture may take.
    #[arg(long, default_value_t = 30.0, help_heading = "Browser")]
    frame_timeout: f64,
}

pub async fn run(args: SnapshotArgs) -> anyhow::Result<()> {
    if !(args.frame_timeout.is_finite() && args.frame_timeout > 0.0) {
        anyhow::bail!(
            "invalid --frame-timeout {}: use a positive number of seconds",
            args.frame_timeout
        );
    }
    let mut options = SnapshotOptions::new(&args.input, args.at.clone(), &args.output);
    options.chrome_path = args.chrome.clone();
    options.frame_timeout = Duration::from_secs_f64(args.frame_timeout);
    crate::stop::watch(options.cancel.clone(), |message| eprintln!("{message}"));
    let written = framecast_render::snapshot(&options)
        .await
        .with_context(|| format!("snapshot of {} failed", args.input.display()))?;
    for still in written {
        println!("{}", still.path.display());
    }
    Ok(())
}
