//! The capture file server: the shared core (`listen.rs`, `serve.rs`) on an ephemeral loopback
//! port, answering every request from the served directory (or a vendor fallback), with
//! `Cache-Control: no-store` so Chrome never shows a stale file between renders (fonts excepted:
//! they are embedded and never change), and a record of the composition's files it served.

use crate::ServerError;
use crate::host_check::AllowedHosts;
use crate::listen::{self, ServerTask};
use crate::request_path;
use crate::resolve::Site;
use crate::root::ServedRoot;
use crate::serve::{self, Lookup};
use crate::vendor::VendorLibraries;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::Response;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What to serve.
#[derive(Debug, Clone)]
pub struct FileServerConfig {
    /// The directory served at `/`. Symlinks inside it are followed as far as the directories
    /// beside it, never further (see `root.rs`).
    pub root: PathBuf,
    /// Library files served by name when the root lacks them.
    pub vendor: VendorLibraries,
}

impl FileServerConfig {
    /// Serves `root`, with the embedded vendor libraries and fonts as fallbacks.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            vendor: VendorLibraries::embedded(),
        }
    }
}

/// A file server listening on `127.0.0.1` on a port the system chose. It stops on `shutdown`,
/// or when dropped (then without waiting for open requests).
pub struct FileServer {
    task: ServerTask,
    /// The root as configured and as canonicalized, both accepted by `url_for`.
    root: PathBuf,
    canonical_root: PathBuf,
    state: Arc<ServerState>,
}

/// What the request handlers share: the site, and the composition's files served so far.
struct ServerState {
    site: Arc<Site>,
    /// Canonical paths of files inside or beside the root (never vendor files), so the set is
    /// bounded by the composition's own files however long the render.
    served: Mutex<BTreeSet<PathBuf>>,
}

impl FileServer {
    /// Checks the root, binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start(config: FileServerConfig) -> Result<FileServer, ServerError> {
        let configured = config.root.clone();
        let root = tokio::task::spawn_blocking(move || ServedRoot::open(&configured))
            .await
            .expect("checking the root should not panic")?;
        let canonical_root = root.path().to_path_buf();
        let bound = listen::bind(IpAddr::V4(Ipv4Addr::LOCALHOST), 0, 1).await?;
        let state = Arc::new(ServerState {
            site: Arc::new(Site::new(root, config.vendor)),
            served: Mutex::default(),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&state));
        let allowed = AllowedHosts::new(bound.address(), &[]);
        let task = ServerTask::start(bound, allowed, app, "file server", || {});
        tracing::debug!(root = %canonical_root.display(), "file server serves the composition");
        Ok(FileServer {
            task,
            root: config.root,
            canonical_root,
            state,
        })
    }

    /// The composition's files served so far (canonical paths, inside the root or beside it
    /// through a symlink): what the page read, which a render must not overwrite.
    pub fn served_files(&self) -> Vec<PathBuf> {
        let served = self
            .state
            .served
            .lock()
            .expect("the served-files lock should not be poisoned");
        served.iter().cloned().collect()
    }

    /// `http://127.0.0.1:PORT/`
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.address())
    }

    /// The URL of a file under the root. `relative_path` is relative to the root; an absolute
    /// path that lies under the root (as configured or canonicalized) is accepted as well.
    pub fn url_for(&self, relative_path: &Path) -> String {
        let relative = relative_path
            .strip_prefix(&self.root)
            .or_else(|_| relative_path.strip_prefix(&self.canonical_root))
            .unwrap_or(relative_path);
        format!("{}{}", self.base_url(), request_path::encode(relative))
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.task.address()
    }

    /// Stops accepting connections, lets open requests finish for a moment, then returns.
    pub async fn shutdown(self) {
        self.task.shutdown().await;
    }
}

async fn handle(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    // Font files never change while framecast runs; caching them lets the many aliases of one
    // face (Arial, Helvetica, ... are all Inter) share a single download.
    let cache_control = if request
        .uri()
        .path()
        .starts_with(&format!("/{}/", crate::vendor::FONTS_PREFIX))
    {
        "public, max-age=31536000, immutable"
    } else {
        "no-store"
    };
    let mut response = match serve::lookup(&state.site, request).await {
        Lookup::SiteFile { path, request, .. } => {
            state
                .served
                .lock()
                .expect("the served-files lock should not be poisoned")
                .insert(path.clone());
            serve::file(&path, request).await
        }
        Lookup::Answered(response) => response,
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    response
}
