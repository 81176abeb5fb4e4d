//! The running file server: an axum app on an ephemeral loopback port, answering every request
//! from the served directory (or a vendor fallback), with `Cache-Control: no-store` so Chrome
//! never shows a stale file between renders (fonts excepted: they are embedded and never change).

use crate::request_path::{self, PathRejection};
use crate::resolve::{Resolution, Site};
use crate::vendor::VendorLibraries;
use crate::{ServerError, serve};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long `shutdown` waits for open requests to finish before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// What to serve.
#[derive(Debug, Clone)]
pub struct FileServerConfig {
    /// The directory served at `/`. Nothing outside it is served, symlinks included.
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
    address: SocketAddr,
    /// The root as configured and as canonicalized, both accepted by `url_for`.
    root: PathBuf,
    canonical_root: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    state: Arc<ServerState>,
}

/// What the request handlers share: the site, and the files under the root served so far.
struct ServerState {
    site: Site,
    root: PathBuf,
    /// Canonical paths; only files under the root, so the set is bounded by the composition's
    /// own files however long the render.
    served: Mutex<BTreeSet<PathBuf>>,
}

impl FileServer {
    /// Checks the root, binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start(config: FileServerConfig) -> Result<FileServer, ServerError> {
        let canonical_root = tokio::fs::canonicalize(&config.root)
            .await
            .map_err(|source| ServerError::Root {
                root: config.root.clone(),
                source,
            })?;
        if !canonical_root.is_dir() {
            return Err(ServerError::RootNotDirectory { root: config.root });
        }
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|source| ServerError::Bind { source })?;
        let address = listener
            .local_addr()
            .map_err(|source| ServerError::Bind { source })?;

        let state = Arc::new(ServerState {
            site: Site::new(canonical_root.clone(), config.vendor),
            root: canonical_root.clone(),
            served: Mutex::default(),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&state));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A dropped sender stops the server as well as an explicit signal.
                    let _ = stopped.await;
                })
                .await
        });
        tracing::debug!(%address, root = %canonical_root.display(), "file server started");
        Ok(FileServer {
            address,
            root: config.root,
            canonical_root,
            stop: Some(stop),
            task: Some(task),
            state,
        })
    }

    /// The files under the root that have been served so far (canonical paths): what the page
    /// read, which a render must not overwrite.
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
        format!("http://{}/", self.address)
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
        self.address
    }

    /// Stops accepting connections, lets open requests finish for a moment, then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return;
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => tracing::warn!(%error, "file server stopped with an error"),
            Ok(Err(error)) => tracing::warn!(%error, "file server task failed"),
            Err(_) => {
                tracing::debug!("file server connections still open after the grace period");
                task.abort();
            }
        }
        tracing::debug!(address = %self.address, "file server stopped");
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        // Dropping the sender signals the graceful shutdown; the task ends on its own once
        // the open connections close.
        self.stop.take();
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
    let mut response = respond(state, request).await;
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    response
}

async fn respond(state: Arc<ServerState>, request: Request) -> Response {
    let url_path = request.uri().path().to_owned();
    let relative = match request_path::decode(&url_path) {
        Ok(relative) => relative,
        Err(PathRejection::Traversal) => {
            tracing::debug!(path = url_path, "refused a path outside the root");
            return StatusCode::FORBIDDEN.into_response();
        }
        Err(PathRejection::Malformed) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let ends_with_slash = url_path.ends_with('/');
    let resolving = relative.clone();
    let resolving_state = Arc::clone(&state);
    let resolution = tokio::task::spawn_blocking(move || {
        resolving_state.site.resolve(&resolving, ends_with_slash)
    })
    .await;
    match resolution {
        Ok(Resolution::File(path)) => {
            if path.starts_with(&state.root) {
                let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
                state
                    .served
                    .lock()
                    .expect("the served-files lock should not be poisoned")
                    .insert(canonical);
            }
            serve::file(&path, request).await
        }
        Ok(Resolution::Embedded(bytes)) => serve::embedded(&relative, bytes),
        Ok(Resolution::AddTrailingSlash) => redirect_to_directory(&request),
        Ok(Resolution::Forbidden) => {
            tracing::debug!(path = url_path, "refused a symlink that leaves the root");
            StatusCode::FORBIDDEN.into_response()
        }
        Ok(Resolution::NotFound) => {
            tracing::debug!(path = url_path, "not found");
            StatusCode::NOT_FOUND.into_response()
        }
        Err(error) => {
            tracing::warn!(%error, path = url_path, "resolving a request path failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn redirect_to_directory(request: &Request) -> Response {
    let uri = request.uri();
    let location = match uri.query() {
        Some(query) => format!("{}/?{query}", uri.path()),
        None => format!("{}/", uri.path()),
    };
    match HeaderValue::try_from(location) {
        Ok(location) => (StatusCode::TEMPORARY_REDIRECT, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}
