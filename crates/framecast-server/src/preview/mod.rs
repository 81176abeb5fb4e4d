//! The preview dev server: the player page at `/`, the project directory's files beside it (the
//! entry HTML with the page runtime injected), a stream of reload events that fires when
//! anything under the project changes, and the exact frames a render captures (`exact.rs`).
//!
//! It listens on loopback unless told otherwise, tries the following ports when the requested one
//! is taken, and serves files as the capture server does, through the same core: the same root
//! check and symlink rule, the same `Host` check, the same shutdown. Its own endpoints answer
//! only the player's page, never another website's (`cross_origin.rs`).

mod exact;
mod inject;
mod routes;
mod watch;

pub use exact::{FrameSource, FrameSourceError, SourceFuture};
pub use watch::CompositionCheck;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::host_check::AllowedHosts;
use crate::listen::{self, ServerTask};
use crate::resolve::Site;
use crate::root::ServedRoot;
use crate::{ServerError, VendorLibraries};

/// Reload events waiting for a slow player; an older one is dropped (the next reload shows the
/// latest state anyway).
const EVENT_BUFFER: usize = 16;

/// What is wrong with the composition, as the player shows it in its overlay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub message: String,
    /// The file the problem is in, when known.
    pub file: Option<String>,
    pub line: Option<u32>,
}

/// What the player is told through `/__framecast/events`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum PreviewEvent {
    /// Files changed: reload the composition, keeping the current time.
    Reload {
        changed: Vec<String>,
        problems: Vec<Problem>,
    },
}

/// What to serve, and where.
#[derive(Clone)]
pub struct PreviewConfig {
    /// The project directory: served at `/`, and watched for changes.
    pub root: PathBuf,
    /// The composition's HTML file, relative to `root` (usually `index.html`).
    pub entry: String,
    pub host: IpAddr,
    /// Names the server answers to besides the loopback ones (the `Host` check), such as the
    /// name the user gave `--host`.
    pub allowed_names: Vec<String>,
    /// The first port tried; the following ones are tried when it is taken.
    pub port: u16,
    /// How many ports to try, from `port` on.
    pub port_attempts: u16,
    /// The page runtime (`runtime-js/runtime.js`), injected into the entry HTML.
    pub runtime: String,
    /// Script run before the runtime (`window.__framecastConfig = …`), as in a render.
    pub prelude: String,
    /// Checks the composition at start and after each change.
    pub check: CompositionCheck,
    /// Quiet time after the last change before the player reloads.
    pub debounce: Duration,
    pub vendor: VendorLibraries,
    /// Where `/__framecast/frame?t=SECONDS` gets the frames a render captures; without one the
    /// player shows the live page only.
    pub frames: Option<Arc<dyn FrameSource>>,
}

impl PreviewConfig {
    /// Serves `root` on `127.0.0.1:3002` (or the next free port), with no composition check.
    pub fn new(root: impl Into<PathBuf>, entry: impl Into<String>, runtime: &str) -> Self {
        PreviewConfig {
            root: root.into(),
            entry: entry.into(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            allowed_names: Vec::new(),
            port: 3002,
            port_attempts: 20,
            runtime: runtime.to_string(),
            prelude: String::new(),
            check: Arc::new(Vec::new),
            debounce: Duration::from_millis(150),
            vendor: VendorLibraries::embedded(),
            frames: None,
        }
    }
}

impl std::fmt::Debug for PreviewConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewConfig")
            .field("root", &self.root)
            .field("entry", &self.entry)
            .field("host", &self.host)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// A running preview server; it stops on `shutdown`, or when dropped.
pub struct PreviewServer {
    task: ServerTask,
    /// Dropping the watcher ends the debounce task.
    _watcher: notify::RecommendedWatcher,
    exact: Option<Arc<exact::ExactFrames>>,
}

impl PreviewServer {
    /// Checks the root, starts watching it, binds the first free port from `config.port` on, and
    /// starts serving on the current tokio runtime.
    pub async fn start(config: PreviewConfig) -> Result<PreviewServer, ServerError> {
        let configured = config.root.clone();
        let root = tokio::task::spawn_blocking(move || ServedRoot::open(&configured))
            .await
            .expect("checking the root should not panic")?;
        let bound = listen::bind(config.host, config.port, config.port_attempts).await?;

        let check = Arc::clone(&config.check);
        let initial = tokio::task::spawn_blocking(move || check())
            .await
            .unwrap_or_default();
        let (problems_tx, problems) = tokio::sync::watch::channel(initial);
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let exact = config.frames.map(exact::ExactFrames::new);
        let watcher = watch::start(
            root.path(),
            config.debounce,
            watch::OnChange {
                check: Arc::clone(&config.check),
                problems: problems_tx,
                events: events.clone(),
                exact: exact.clone(),
            },
        )?;
        let (closing_tx, closing) = tokio::sync::watch::channel(false);
        let canonical_root = root.path().to_path_buf();
        let state = Arc::new(routes::PreviewState {
            site: Arc::new(Site::new(root, config.vendor)),
            entry: config.entry.trim_start_matches('/').to_string(),
            runtime: config.runtime,
            prelude: config.prelude,
            problems,
            events,
            closing,
            exact: exact.clone(),
        });
        // Event streams never end on their own: the stop signal tells them to.
        let allowed = AllowedHosts::new(bound.address(), &config.allowed_names);
        let app = routes::router(state, allowed.clone());
        let task = ServerTask::start(bound, allowed, app, "preview server", move || {
            let _ = closing_tx.send(true);
        });
        tracing::debug!(root = %canonical_root.display(), "preview server serves the project");
        Ok(PreviewServer {
            task,
            _watcher: watcher,
            exact,
        })
    }

    /// The player's URL, `http://HOST:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address())
    }

    pub fn address(&self) -> SocketAddr {
        self.task.address()
    }

    /// Stops accepting connections, lets open requests finish for a moment, closes the frame
    /// source (its Chrome), then returns.
    pub async fn shutdown(self) {
        self.task.shutdown().await;
        if let Some(exact) = &self.exact {
            exact.close().await;
        }
    }
}
