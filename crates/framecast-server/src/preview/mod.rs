//! The preview dev server: the player page at `/`, the project directory's files beside it (the
//! entry HTML with the page runtime injected), and a stream of reload events that fires when
//! anything under the project changes.
//!
//! It listens on loopback unless told otherwise, tries the following ports when the requested one
//! is taken, and never serves a file outside the project directory.

mod error;
mod inject;
mod routes;
mod watch;

pub use error::PreviewError;
pub use watch::CompositionCheck;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;

use crate::VendorLibraries;
use crate::resolve::Site;

/// How long `shutdown` waits for open requests to finish before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

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
}

impl PreviewConfig {
    /// Serves `root` on `127.0.0.1:3002` (or the next free port), with no composition check.
    pub fn new(root: impl Into<PathBuf>, entry: impl Into<String>, runtime: &str) -> Self {
        PreviewConfig {
            root: root.into(),
            entry: entry.into(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 3002,
            port_attempts: 20,
            runtime: runtime.to_string(),
            prelude: String::new(),
            check: Arc::new(Vec::new),
            debounce: Duration::from_millis(150),
            vendor: VendorLibraries::embedded(),
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
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    /// Dropping the watcher ends the debounce task.
    _watcher: notify::RecommendedWatcher,
}

impl PreviewServer {
    /// Checks the root, starts watching it, binds the first free port from `config.port` on, and
    /// starts serving on the current tokio runtime.
    pub async fn start(config: PreviewConfig) -> Result<PreviewServer, PreviewError> {
        let root = tokio::fs::canonicalize(&config.root)
            .await
            .map_err(|source| PreviewError::Root {
                root: config.root.clone(),
                source,
            })?;
        if !root.is_dir() {
            return Err(PreviewError::Root {
                root: config.root.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            });
        }
        let listener = bind_first_free(config.host, config.port, config.port_attempts).await?;
        let address = listener.local_addr().map_err(|source| PreviewError::Bind {
            host: config.host,
            port: config.port,
            source,
        })?;

        let check = Arc::clone(&config.check);
        let initial = tokio::task::spawn_blocking(move || check())
            .await
            .unwrap_or_default();
        let (problems_tx, problems) = tokio::sync::watch::channel(initial);
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let watcher = watch::start(
            &root,
            config.debounce,
            Arc::clone(&config.check),
            problems_tx,
            events.clone(),
        )?;
        let (stop, stopped) = oneshot::channel::<()>();
        let (closing_tx, closing) = tokio::sync::watch::channel(false);
        let state = Arc::new(routes::PreviewState {
            site: Site::new(root.clone(), config.vendor),
            entry: config.entry.trim_start_matches('/').to_string(),
            runtime: config.runtime,
            prelude: config.prelude,
            problems,
            events,
            closing,
        });
        let app = routes::router(state);
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender stops the server as well as an explicit signal.
                    let _ = stopped.await;
                    // Event streams never end on their own: tell them to.
                    let _ = closing_tx.send(true);
                })
                .await
        });
        tracing::debug!(%address, root = %root.display(), "preview server started");
        Ok(PreviewServer {
            address,
            stop: Some(stop),
            task: Some(task),
            _watcher: watcher,
        })
    }

    /// The player's URL, `http://HOST:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting connections, lets open requests finish for a moment, then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
        tracing::debug!(address = %self.address, "preview server stopped");
    }
}

impl Drop for PreviewServer {
    fn drop(&mut self) {
        self.stop.take();
    }
}

async fn bind_first_free(
    host: IpAddr,
    first: u16,
    attempts: u16,
) -> Result<tokio::net::TcpListener, PreviewError> {
    let last = first.saturating_add(attempts.max(1) - 1);
    for port in first..=last {
        match tokio::net::TcpListener::bind((host, port)).await {
            Ok(listener) => return Ok(listener),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                tracing::debug!(port, "port taken; trying the next one");
            }
            Err(source) => return Err(PreviewError::Bind { host, port, source }),
        }
    }
    Err(PreviewError::PortsTaken { host, first, last })
}
