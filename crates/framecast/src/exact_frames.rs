//! The preview's exact frames: a [`StillCamera`] (the render path's capture worker) opened on
//! the first request, kept warm between requests, and closed when the project changes (the
//! next request opens it on the files as they are now, variables and prelude included) or
//! when the preview stops. The preview server caches and serializes; this only captures.

use std::path::PathBuf;
use std::sync::Arc;

use framecast_render::{BrowserSettings, RenderError, Setting, StillCamera};
use framecast_server::{FrameSource, FrameSourceError, SourceFuture};

pub(crate) struct WarmCamera {
    input: PathBuf,
    browser: BrowserSettings,
    camera: tokio::sync::Mutex<Option<StillCamera>>,
}

impl WarmCamera {
    pub(crate) fn new(input: PathBuf, browser: BrowserSettings) -> Self {
        WarmCamera {
            input,
            browser,
            camera: tokio::sync::Mutex::new(None),
        }
    }

    async fn capture_now(&self, time: f64) -> Result<Arc<Vec<u8>>, FrameSourceError> {
        let mut slot = self.camera.lock().await;
        let camera = match &mut *slot {
            Some(camera) => camera,
            empty => {
                let opened = StillCamera::open(&self.input, &self.browser)
                    .await
                    .map_err(|error| {
                        failed("cannot open the composition for exact frames", &error)
                    })?;
                empty.insert(opened)
            }
        };
        if let Some(duration) = camera.duration().filter(|duration| time > *duration) {
            return Err(FrameSourceError::PastTheEnd { time, duration });
        }
        match camera.capture(time).await {
            Ok(png) => Ok(png),
            Err(
                error @ RenderError::Setting {
                    setting: Setting::Times,
                    ..
                },
            ) => Err(failed("cannot capture this time", &error)),
            Err(error) => {
                // Chrome may be dead or its page stuck: the next request starts afresh.
                if let Some(camera) = slot.take() {
                    camera.close().await;
                }
                Err(failed("the exact frame failed", &error))
            }
        }
    }

    async fn close_camera(&self) {
        if let Some(camera) = self.camera.lock().await.take() {
            camera.close().await;
        }
    }
}

impl FrameSource for WarmCamera {
    fn capture(&self, time: f64) -> SourceFuture<'_, Result<Arc<Vec<u8>>, FrameSourceError>> {
        Box::pin(self.capture_now(time))
    }

    fn invalidate(&self) -> SourceFuture<'_, ()> {
        Box::pin(self.close_camera())
    }

    fn close(&self) -> SourceFuture<'_, ()> {
        Box::pin(self.close_camera())
    }
}

/// The error and its causes on one line, for the player's status line.
fn failed(what: &str, error: &RenderError) -> FrameSourceError {
    let mut message = format!("{what}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    FrameSourceError::Failed(message)
}
