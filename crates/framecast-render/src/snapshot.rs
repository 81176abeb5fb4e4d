//! Stills of exact times through the render path: the same file server, Chrome worker, runtime
//! injection, seek and BeginFrame capture as a render, with PNG instead of JPEG and no encoder.
//! `framecast snapshot` and tests use it to check a frame without encoding a video.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use framecast_composition::Composition;
use framecast_server::{FileServer, FileServerConfig};

use crate::job::StillsPage;
use crate::pipeline::start_workers;
use crate::publish::{FileKind, OutputKind, ReadSet};
use crate::{BrowserSettings, CancelFlag, RenderError, Setting};

/// What to capture, and where to write it.
#[derive(Debug, Clone)]
pub struct SnapshotOptions {
    /// A composition directory (with `index.html`) or an `.html` file.
    pub input: PathBuf,
    /// Times in seconds, captured in this order.
    pub times: Vec<f64>,
    /// The directory the PNG files go to; created if missing.
    pub output_dir: PathBuf,
    pub browser: BrowserSettings,
    /// Stops the snapshot cleanly: Chrome closed, no still half-written.
    pub cancel: CancelFlag,
}

impl SnapshotOptions {
    pub fn new(input: impl Into<PathBuf>, times: Vec<f64>, output_dir: impl Into<PathBuf>) -> Self {
        SnapshotOptions {
            input: input.into(),
            times,
            output_dir: output_dir.into(),
            browser: BrowserSettings::default(),
            cancel: CancelFlag::default(),
        }
    }
}

/// One written still.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub time: f64,
    pub path: PathBuf,
}

/// `frame_1.500.png` for 1.5 s: milliseconds are enough to tell stills apart by name.
pub fn snapshot_file_name(time: f64) -> String {
    format!("frame_{time:.3}.png")
}

/// Captures each of `options.times` as a PNG in `options.output_dir`. Every Chrome process is
/// gone when this returns, whatever happened, cancellation included (dropping a worker kills its
/// Chrome and removes its profile; a still is written whole or not at all).
pub async fn snapshot(options: &SnapshotOptions) -> Result<Vec<Snapshot>, RenderError> {
    tokio::select! {
        result = snapshot_uncancelled(options) => result,
        () = options.cancel.cancelled() => Err(RenderError::Cancelled),
    }
}

async fn snapshot_uncancelled(options: &SnapshotOptions) -> Result<Vec<Snapshot>, RenderError> {
    let composition = Composition::load(&options.input)?;
    if let Some(bad) = options.times.iter().find(|t| !t.is_finite() || **t < 0.0) {
        return Err(RenderError::Setting {
            setting: Setting::Times,
            reason: format!("{bad} is not a time; use seconds from 0, such as 1.5"),
        });
    }
    if options.times.is_empty() {
        return Err(RenderError::Setting {
            setting: Setting::Times,
            reason: "no times given; list seconds such as 0.5,1.5".to_string(),
        });
    }
    // Each still is checked against the output rule before Chrome starts, and written whole.
    let mut reads = ReadSet::for_folder(&composition.dir);
    reads.add_file(&composition.html_path);
    for &time in &options.times {
        let path = options.output_dir.join(snapshot_file_name(time));
        crate::publish::check_target(&path, OutputKind::File(FileKind::Png), &reads)?;
    }
    // Video frames come from the media plan, as in a render: what a still shows is what the
    // render writes at that time.
    let page = StillsPage::prepare(&composition, &options.browser, &options.times).await?;
    for path in page.media.source_paths() {
        reads.add_file(path);
    }
    let server = FileServer::start(FileServerConfig {
        root: composition.dir.clone(),
        vendor: page.vendor.clone(),
    })
    .await?;
    let url = server.url_for(Path::new(composition.entry_name()));
    let result = capture_times(options, &composition, &page, &url, &reads).await;
    server.shutdown().await;
    result
}

async fn capture_times(
    options: &SnapshotOptions,
    composition: &Composition,
    page: &StillsPage,
    url: &str,
    reads: &ReadSet,
) -> Result<Vec<Snapshot>, RenderError> {
    let mut workers = start_workers(&page.launch, url, 1).await?;
    let mut worker = workers
        .pop()
        .expect("start_workers should start the one worker asked for");
    let duration = composition.root.duration.or(worker.info.duration);
    let result = async {
        if let (Some(duration), Some(late)) = (
            duration,
            options.times.iter().find(|t| Some(**t) > duration),
        ) {
            return Err(RenderError::Setting {
                setting: Setting::Times,
                reason: format!("{late} s is past the end of the composition ({duration} s long)"),
            });
        }
        let mut written = Vec::with_capacity(options.times.len());
        let mut previous: Arc<Vec<u8>> = Arc::default();
        for (index, &time) in options.times.iter().enumerate() {
            if let Some(png) = worker.capture_still(index as u64, time).await? {
                previous = Arc::new(png);
            }
            let path = options.output_dir.join(snapshot_file_name(time));
            let path = crate::publish::write_file(&path, FileKind::Png, &previous, reads)?;
            written.push(Snapshot { time, path });
        }
        Ok(written)
    }
    .await;
    worker.close().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stills_by_millisecond() {
        assert_eq!(snapshot_file_name(1.5), "frame_1.500.png");
        assert_eq!(snapshot_file_name(0.0), "frame_0.000.png");
        assert_eq!(snapshot_file_name(3.2), "frame_3.200.png");
    }
}
