//! The in-page pass of `framecast lint`: what only the page can tell. The composition is opened
//! the way a render opens it (the same file server, Chrome worker, runtime and readiness), seeked
//! to a few times across its length, and asked what failed: a script error or a timeline the
//! runtime could not bind (the page never became ready), an error raised while seeking, a font
//! file that did not load, a timeline longer than its composition. Nothing is written.

use std::path::{Path, PathBuf};

use framecast_browser::{BrowserError, PageState};
use framecast_composition::Composition;
use framecast_server::{FileServer, FileServerConfig};

use crate::job::{StillTimes, StillsPage};
use crate::pipeline::start_workers;
use crate::{BrowserSettings, CancelFlag, RenderError};

/// How many points across the composition the pass seeks to (the first and last frame among
/// them): enough to run every part of a typical timeline's callbacks, few enough to stay short.
const SEEK_POINTS: usize = 5;

/// What to open.
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// A composition directory (with `index.html`) or an `.html` file.
    pub input: PathBuf,
    pub browser: BrowserSettings,
    pub cancel: CancelFlag,
}

/// What the page said.
#[derive(Debug, Clone, Default)]
pub struct Inspection {
    /// Why the page failed, when it did: it never became ready, or a seek or capture at some
    /// time raised an error. The message names the file and line where the browser gave them.
    pub failure: Option<String>,
    /// What the page reported after the seeks, when it got that far.
    pub state: Option<PageState>,
    /// The times seeked, in seconds.
    pub times: Vec<f64>,
}

/// Opens the composition in one Chrome worker and reports what failed. `Err` means the pass
/// could not run at all (the composition does not load, Chrome does not start); what is wrong
/// with the page is in the `Ok` value.
pub async fn inspect(options: &InspectOptions) -> Result<Inspection, RenderError> {
    tokio::select! {
        result = inspect_uncancelled(options) => result,
        () = options.cancel.cancelled() => Err(RenderError::Cancelled),
    }
}

async fn inspect_uncancelled(options: &InspectOptions) -> Result<Inspection, RenderError> {
    let composition = Composition::load(&options.input)?;
    let fps = composition
        .root
        .fps
        .map_or(30.0, framecast_composition::Fps::as_f64);
    // The times are planned before Chrome starts, so the video frames they show are decoded
    // first, as a render does; a length only the page knows gives the first frame alone.
    let times = seek_times(composition.root.duration, fps);
    let page = StillsPage::prepare(&composition, &options.browser, StillTimes::At(&times)).await?;
    let server = FileServer::start(FileServerConfig {
        root: composition.dir.clone(),
        vendor: page.vendor.clone(),
    })
    .await?;
    let url = server.url_for(Path::new(composition.entry_name()));
    // Without video, a length only the page knows can still spread the seeks.
    let replan = (composition.root.duration.is_none() && !page.media.has_videos()).then_some(fps);
    let result = inspect_page(&page, &url, times, replan).await;
    server.shutdown().await;
    result
}

async fn inspect_page(
    page: &StillsPage,
    url: &str,
    mut times: Vec<f64>,
    replan: Option<f64>,
) -> Result<Inspection, RenderError> {
    let mut worker = match start_workers(&page.launch, url, 1).await {
        Ok(mut workers) => workers
            .pop()
            .expect("start_workers should start the one worker asked for"),
        Err(RenderError::Browser(error)) if is_page_failure(&error) => {
            return Ok(Inspection {
                failure: Some(error.to_string()),
                ..Inspection::default()
            });
        }
        Err(error) => return Err(error),
    };
    if let Some(fps) = replan {
        times = seek_times(worker.info.duration, fps);
    }
    let mut inspection = Inspection {
        times: times.clone(),
        ..Inspection::default()
    };
    for (index, &time) in times.iter().enumerate() {
        match worker.seek_checked(index as u64, time).await {
            Ok(()) => {}
            Err(RenderError::Browser(error)) if is_page_failure(&error) => {
                inspection.failure = Some(error.to_string());
                break;
            }
            Err(error) => {
                worker.close().await;
                return Err(error);
            }
        }
    }
    let state = worker.inspect().await;
    worker.close().await;
    match state {
        Ok(state) => inspection.state = Some(state),
        Err(RenderError::Browser(error)) if is_page_failure(&error) => {
            inspection.failure.get_or_insert(error.to_string());
        }
        Err(error) => return Err(error),
    }
    Ok(inspection)
}

/// Errors that are the page's doing, as opposed to Chrome or the machine failing.
fn is_page_failure(error: &BrowserError) -> bool {
    matches!(
        error,
        BrowserError::Page { .. }
            | BrowserError::Timeout { .. }
            | BrowserError::NetworkBlocked { .. }
    )
}

/// `SEEK_POINTS` times spread from 0 to the last frame; only 0 when the length is unknown.
fn seek_times(duration: Option<f64>, fps: f64) -> Vec<f64> {
    let Some(duration) = duration.filter(|d| d.is_finite() && *d > 0.0) else {
        return vec![0.0];
    };
    let last = (duration - 1.0 / fps.max(1.0)).max(0.0);
    let mut times: Vec<f64> = (0..SEEK_POINTS)
        .map(|point| last * point as f64 / (SEEK_POINTS - 1) as f64)
        .collect();
    times.dedup();
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeks_spread_from_the_first_to_the_last_frame() {
        assert_eq!(
            seek_times(Some(2.0), 4.0),
            vec![0.0, 0.4375, 0.875, 1.3125, 1.75]
        );
        assert_eq!(seek_times(None, 30.0), vec![0.0]);
        assert_eq!(seek_times(Some(0.01), 30.0), vec![0.0]);
    }
}
