//! A launched Chrome with its DevTools connection.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::Browser;
use chromiumoxide::cdp::browser_protocol::target::CreateTargetParams;
use chromiumoxide::handler::HandlerConfig;
use futures::StreamExt;
use tokio::task::JoinHandle;

use crate::fonts::FontSetup;
use crate::network::{NetworkGuard, NetworkPolicy};
use crate::page::{CaptureMode, CapturePage};
use crate::remote::RemoteAssets;
use crate::{BrowserError, ChromeProcess, flags};

/// How to start a capture browser.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    pub chrome_path: PathBuf,
    /// The viewport in CSS pixels.
    pub width: u32,
    pub height: u32,
    /// Device pixels per CSS pixel: captures are `width * device_scale_factor` wide.
    pub device_scale_factor: f64,
    /// Start Chrome under BeginFrame control; without it frames are taken with
    /// `Page.captureScreenshot`.
    pub begin_frame: bool,
    pub launch_timeout: Duration,
    /// The longest any single DevTools step (a seek, a capture) may take.
    pub step_timeout: Duration,
    /// Let the page reach the network. Without it, requests other than the loopback server
    /// (and CDN scripts, served locally) fail and fail the render.
    pub allow_network: bool,
    /// The outside assets fetched for the render, answered from the cache.
    pub remote: Arc<RemoteAssets>,
}

impl LaunchOptions {
    pub fn new(width: u32, height: u32) -> Self {
        LaunchOptions {
            chrome_path: PathBuf::from(crate::DEFAULT_CHROME_PATH),
            width,
            height,
            device_scale_factor: 1.0,
            begin_frame: true,
            launch_timeout: Duration::from_secs(20),
            step_timeout: Duration::from_secs(30),
            allow_network: false,
            remote: Arc::default(),
        }
    }
}

/// One Chrome process and its DevTools connection. Closing or dropping it kills the process
/// group; nothing outlives the session.
#[derive(Debug)]
pub struct BrowserSession {
    // Field order matters on drop: the connection goes first, then the process is killed.
    browser: Browser,
    handler: JoinHandle<()>,
    process: ChromeProcess,
    options: LaunchOptions,
    fonts: Arc<FontSetup>,
}

impl BrowserSession {
    pub async fn launch(options: LaunchOptions) -> Result<Self, BrowserError> {
        let (width, height, begin_frame) = (options.width, options.height, options.begin_frame);
        let chrome_path = options.chrome_path.clone();
        let launch_timeout = options.launch_timeout;
        let allow_network = options.allow_network;
        let scale = options.device_scale_factor;
        let fonts = tokio::task::spawn_blocking(FontSetup::prepare)
            .await
            .map_err(|error| BrowserError::Fonts {
                message: error.to_string(),
            })??;
        let (process, address) = ChromeProcess::spawn(
            &chrome_path,
            |profile| flags::chrome_args(width, height, scale, begin_frame, allow_network, profile),
            &[("FONTCONFIG_FILE", fonts.fontconfig_file.as_path())],
            launch_timeout,
        )
        .await?;
        let config = HandlerConfig {
            viewport: None,
            request_timeout: options.step_timeout,
            ..HandlerConfig::default()
        };
        let connected = tokio::time::timeout(
            options.launch_timeout,
            Browser::connect_with_config(address.clone(), config),
        )
        .await;
        let (browser, mut handler) = match connected {
            Ok(Ok(pair)) => pair,
            Ok(Err(error)) => {
                return Err(BrowserError::Launch {
                    path: options.chrome_path.clone(),
                    reason: format!("cannot connect to DevTools at {address}: {error}"),
                    stderr: process.stderr_tail(),
                });
            }
            Err(_) => {
                return Err(BrowserError::Launch {
                    path: options.chrome_path.clone(),
                    reason: format!("DevTools at {address} did not answer"),
                    stderr: process.stderr_tail(),
                });
            }
        };
        // The handler drives the WebSocket; it must be polled for any command to complete.
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        tracing::debug!("started Chrome (pid {})", process.pid());
        Ok(BrowserSession {
            browser,
            handler,
            process,
            options,
            fonts,
        })
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// CPU time used so far by this Chrome (all its processes).
    pub fn cpu_time(&self) -> Option<std::time::Duration> {
        self.process.cpu_time()
    }

    pub fn stderr_tail(&self) -> String {
        self.process.stderr_tail()
    }

    /// Opens a page with the framecast runtime injected, sized to the composition, and navigates
    /// it to `url`. The page is not ready to capture until [`CapturePage::wait_ready`].
    pub async fn open_page(
        &mut self,
        url: &str,
        prelude: &str,
    ) -> Result<CapturePage, BrowserError> {
        let mut params = CreateTargetParams::new("about:blank");
        params.width = Some(i64::from(self.options.width));
        params.height = Some(i64::from(self.options.height));
        params.enable_begin_frame_control = Some(self.options.begin_frame);
        let page = tokio::time::timeout(self.options.step_timeout, self.browser.new_page(params))
            .await
            .map_err(|_| self.timeout("opening a page"))?
            .map_err(|error| self.protocol("opening a page", error))?;
        let mode = if self.options.begin_frame {
            CaptureMode::BeginFrame
        } else {
            CaptureMode::Screenshot
        };
        let policy = NetworkPolicy {
            // The server's origin (`http://127.0.0.1:PORT`): the one place the page may reach.
            allowed_origin: crate::network::origin(url).unwrap_or(url).to_string(),
            allow_network: self.options.allow_network,
            remote: Arc::clone(&self.options.remote),
        };
        let network = NetworkGuard::install(&page, policy).await?;
        let mut capture = CapturePage::new(
            page,
            mode,
            &self.options,
            self.process.stderr_handle(),
            network,
        );
        capture.prepare(prelude, &self.fonts.page_script).await?;
        capture.navigate(url).await?;
        Ok(capture)
    }

    /// Whether this Chrome was started as `options` asks in everything a running Chrome cannot
    /// change (its binary, window, scale, BeginFrame control, network), so that a page of
    /// another render with these options can open in it.
    pub fn can_serve(&self, options: &LaunchOptions) -> bool {
        let (own, asked) = (&self.options, options);
        own.chrome_path == asked.chrome_path
            && (own.width, own.height) == (asked.width, asked.height)
            && own.device_scale_factor == asked.device_scale_factor
            && own.begin_frame == asked.begin_frame
            && own.allow_network == asked.allow_network
    }

    /// Takes `options` for the pages it opens from now on (their outside assets and timeouts);
    /// only for options it [can serve](Self::can_serve).
    pub fn adopt(&mut self, options: &LaunchOptions) {
        debug_assert!(self.can_serve(options));
        self.options = options.clone();
    }

    /// Whether Chrome's main process is gone (crashed or killed).
    pub fn has_exited(&mut self) -> bool {
        self.process.has_exited()
    }

    /// Ends the session: asks Chrome to close, then kills the process group whatever happened.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.browser.close()).await;
        self.handler.abort();
        self.process.kill();
    }

    fn timeout(&self, step: &str) -> BrowserError {
        BrowserError::Timeout {
            step: step.to_string(),
            after: self.options.step_timeout,
            stderr: self.process.stderr_tail(),
        }
    }

    fn protocol(&self, step: &str, error: impl std::fmt::Display) -> BrowserError {
        BrowserError::Protocol {
            step: step.to_string(),
            message: error.to_string(),
        }
    }
}

impl Drop for BrowserSession {
    fn drop(&mut self) {
        self.handler.abort();
    }
}
