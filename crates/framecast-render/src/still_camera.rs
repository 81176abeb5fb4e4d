//! A still camera: one capture worker kept open to take PNG stills of any time, one after
//! another, through the render path (the same file server, Chrome launch, runtime injection,
//! seek and BeginFrame capture as a render). `framecast snapshot` takes its stills with one;
//! the preview keeps one warm for the player's exact frames.

use std::path::Path;
use std::sync::Arc;

use framecast_composition::Composition;
use framecast_server::{FileServer, FileServerConfig};

use crate::job::{StillTimes, StillsPage};
use crate::pipeline::start_workers;
use crate::worker::CaptureWorker;
use crate::{BrowserSettings, FramePlan, RenderError, Setting};

/// A Chrome worker with the composition open, ready to capture any time. Dropping it kills its
/// Chrome and removes its profile; [`close`](Self::close) does so politely first.
pub struct StillCamera {
    worker: CaptureWorker,
    server: FileServer,
    /// The declared duration, else the one the page reported; `None` when neither says.
    duration: Option<f64>,
    /// The render's frame rate: the page is seeked through the frames before a still's time.
    fps: framecast_composition::Fps,
    /// Captures so far: each one is a new BeginFrame frame, so the index only grows.
    captures: u64,
    /// The last capture, which a capture Chrome reports unchanged stands for.
    previous: Arc<Vec<u8>>,
    /// Kept for the camera's lifetime: the video frames the page shows come from it.
    _page: StillsPage,
}

impl StillCamera {
    /// Loads the composition at `input` and opens it in a capture worker, for stills of any
    /// time (every video frame a render shows is decoded first).
    pub async fn open(input: &Path, browser: &BrowserSettings) -> Result<StillCamera, RenderError> {
        let composition = Composition::load(input)?;
        let page = StillsPage::prepare(&composition, browser, StillTimes::Any).await?;
        StillCamera::start(&composition, page).await
    }

    /// Starts the worker for a page already prepared (`framecast snapshot` checks its outputs
    /// between the two).
    pub(crate) async fn start(
        composition: &Composition,
        page: StillsPage,
    ) -> Result<StillCamera, RenderError> {
        let server = FileServer::start(FileServerConfig {
            root: composition.dir.clone(),
            vendor: page.vendor.clone(),
        })
        .await?;
        let url = server.url_for(Path::new(composition.entry_name()));
        let mut workers = match start_workers(&page.launch, &url, 1).await {
            Ok(workers) => workers,
            Err(error) => {
                server.shutdown().await;
                return Err(error);
            }
        };
        let worker = workers
            .pop()
            .expect("start_workers should start the one worker asked for");
        let duration = composition.root.duration.or(worker.info.duration);
        if let (None, Some(duration)) = (composition.root.duration, duration)
            && page.media.has_videos()
        {
            // Only the page knew the length: decode the rest of the frames it shows now.
            let media = Arc::clone(&page.media);
            let fps = composition.root.fps.unwrap_or(crate::job::DEFAULT_FPS);
            tokio::task::spawn_blocking(move || {
                media.extract_frames(&FramePlan::new(2, 2, fps, duration))
            })
            .await
            .map_err(|error| {
                RenderError::Internal(format!("video frame extraction failed: {error}"))
            })??;
        }
        Ok(StillCamera {
            worker,
            server,
            duration,
            fps: composition.root.fps.unwrap_or(crate::job::DEFAULT_FPS),
            captures: 0,
            previous: Arc::default(),
            _page: page,
        })
    }

    /// How long the composition is, as the render will know it.
    pub fn duration(&self) -> Option<f64> {
        self.duration
    }

    /// Seeks to `time` and captures the page as a PNG, as a render captures the frame of that
    /// time. A time past the end of the composition is refused.
    pub async fn capture(&mut self, time: f64) -> Result<Arc<Vec<u8>>, RenderError> {
        if !time.is_finite() || time < 0.0 {
            return Err(RenderError::Setting {
                setting: Setting::Times,
                reason: format!("{time} is not a time; use seconds from 0, such as 1.5"),
            });
        }
        if let Some(duration) = self.duration.filter(|duration| time > *duration) {
            return Err(RenderError::Setting {
                setting: Setting::Times,
                reason: format!("{time} s is past the end of the composition ({duration} s long)"),
            });
        }
        let index = self.captures;
        self.captures += 1;
        if let Some(png) = self.worker.capture_still(index, time, self.fps).await? {
            self.previous = Arc::new(png);
        }
        Ok(Arc::clone(&self.previous))
    }

    /// Closes Chrome and the file server.
    pub async fn close(self) {
        self.worker.close().await;
        self.server.shutdown().await;
    }
}
