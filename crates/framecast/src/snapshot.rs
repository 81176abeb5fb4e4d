//! `framecast snapshot`: PNG stills of exact times, through the render path.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use framecast_render::{SnapshotOptions, Stills};

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// The composition: a directory containing index.html, or an .html file.
    #[arg(default_value = ".")]
    input: PathBuf,

    /// Times in seconds, separated by commas: --at 0.5,1.5,3.2
    #[arg(long, value_delimiter = ',', value_parser = crate::values::time, conflicts_with_all = ["frame", "frames"])]
    at: Vec<f64>,

    /// Frame indices at the composition's frame rate, separated by commas: --frame 0,45,89
    /// (frame i is the one a render writes at i / fps).
    #[arg(long, value_delimiter = ',', conflicts_with = "frames")]
    frame: Vec<u64>,

    /// This many frames spread evenly from the first frame to the last, as HyperFrames'
    /// --frames counts them; the default when neither --at nor --frame is given.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    frames: u32,

    /// The directory to write frame_<time>.png files to.
    #[arg(short, long, default_value = ".")]
    output: PathBuf,

    /// The chrome-headless-shell binary to use.
    #[arg(long, default_value = framecast_browser::DEFAULT_CHROME_PATH, help_heading = "Browser")]
    chrome: PathBuf,

    /// Seconds a single seek or capture may take.
    #[arg(long, default_value = "30", value_parser = crate::values::seconds, help_heading = "Browser")]
    frame_timeout: Duration,

    /// Never touch the network: outside assets the composition names come from framecast's
    /// cache only.
    #[arg(long, help_heading = "Browser")]
    offline: bool,
}

pub async fn run(args: SnapshotArgs) -> anyhow::Result<()> {
    let stills = if !args.at.is_empty() {
        Stills::Times(args.at.clone())
    } else if !args.frame.is_empty() {
        Stills::Frames(args.frame.clone())
    } else {
        Stills::Evenly(args.frames)
    };
    let mut options = SnapshotOptions::new(&args.input, stills, &args.output);
    options.browser.chrome_path = args.chrome.clone();
    options.browser.frame_timeout = args.frame_timeout;
    options.browser.remote.offline = args.offline;
    crate::stop::watch(options.cancel.clone(), |message| eprintln!("{message}"));
    let written = framecast_render::snapshot(&options)
        .await
        .with_context(|| format!("snapshot of {} failed", args.input.display()))?;
    for still in written {
        println!("{}", still.path.display());
    }
    Ok(())
}
