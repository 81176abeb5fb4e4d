//! Writing the response for a resolved file, shared by the capture and preview servers.

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeFile;

use crate::content_type;

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
pub(crate) fn embedded(requested: &Path, bytes: &'static [u8]) -> Response {
    (
        [(CONTENT_TYPE, content_type::for_path(requested))],
        Body::from(bytes),
    )
        .into_response()
}
