//! Answering a request from the site, shared by the capture and preview servers: the URL path
//! decoded and checked, resolved on a blocking thread, and every outcome but a file of the
//! composition's turned into its response here. The composition's own files go back to the
//! caller, which records them (capture) or rewrites the entry HTML (preview) before serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeFile;

use crate::content_type;
use crate::request_path::{self, PathRejection};
use crate::resolve::{Resolution, Site};

/// What a request names on the site.
pub(crate) enum Lookup {
    /// A file of the composition's, inside or beside the root (a canonical path), with the
    /// decoded request path and the request, for the caller to serve.
    SiteFile {
        path: PathBuf,
        relative: PathBuf,
        request: Request,
    },
    /// Answered already: a fallback library or font, a redirect, or a refusal.
    Answered(Response),
}

/// Decodes and resolves the request's path against `site`.
pub(crate) async fn lookup(site: &Arc<Site>, request: Request) -> Lookup {
    let url_path = request.uri().path().to_owned();
    let relative = match request_path::decode(&url_path) {
        Ok(relative) => relative,
        Err(PathRejection::Traversal) => {
            tracing::debug!(path = url_path, "refused a path outside the root");
            return Lookup::Answered(StatusCode::FORBIDDEN.into_response());
        }
        Err(PathRejection::Malformed) => {
            return Lookup::Answered(StatusCode::BAD_REQUEST.into_response());
        }
    };
    let ends_with_slash = url_path.ends_with('/');
    let resolving = relative.clone();
    let resolving_site = Arc::clone(site);
    let resolution =
        tokio::task::spawn_blocking(move || resolving_site.resolve(&resolving, ends_with_slash))
            .await;
    let response = match resolution {
        Ok(Resolution::File(path)) => {
            return Lookup::SiteFile {
                path,
                relative,
                request,
            };
        }
        Ok(Resolution::VendorFile(path)) => file(&path, request).await,
        Ok(Resolution::Embedded(bytes)) => embedded(&relative, bytes),
        Ok(Resolution::AddTrailingSlash) => redirect_to_directory(&request),
        Ok(Resolution::Forbidden) => {
            tracing::debug!(path = url_path, "refused a symlink that leads too far");
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
    };
    Lookup::Answered(response)
}

/// Serves one file from disk; `ServeFile` takes care of HEAD, ranges (video elements seek with
/// them) and streaming, and the content type comes from the crate's own table.
pub(crate) async fn file(path: &Path, request: Request) -> Response {
    match ServeFile::new(path).try_call(request).await {
        Ok(response) => {
            let mut response = response.map(Body::new);
            if response.status().is_success() {
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static(content_type::for_path(path)),
                );
            }
            response
        }
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "reading a served file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Serves bytes embedded in the binary (a library or a font), typed by the path the request
/// named. Always whole: scripts and fonts are not fetched by range, and a server may ignore
/// `Range`. The HTTP layer leaves the body out of a HEAD response.
fn embedded(requested: &Path, bytes: &'static [u8]) -> Response {
    (
        [(CONTENT_TYPE, content_type::for_path(requested))],
        Body::from(bytes),
    )
        .into_response()
}

/// A directory named without its trailing slash: the same URL with one, query kept.
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
