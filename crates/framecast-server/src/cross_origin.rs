//! Refusing requests to the preview's own endpoints (the reload stream, the status, the exact
//! frames) that another website's page makes. The `Host` check already stops a page that
//! rebinds its own name; this stops a page on another origin that addresses the server by its
//! real name (`fetch("http://127.0.0.1:3002/__framecast/status")`): the browser marks such a
//! request with `Sec-Fetch-Site: cross-site` (or `same-site`, for another port of the same
//! host) and an `Origin` header. The server sends no CORS headers, so such a page could not
//! read an answer anyway; refusing it also keeps it from opening event streams or starting
//! captures. A request from a client that is not a browser (curl) carries neither header and
//! is answered.

use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, ORIGIN};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::host_check::AllowedHosts;

/// Whether the request comes from a page of this server, or from no page at all.
pub(crate) fn is_same_origin(headers: &HeaderMap, allowed: &AllowedHosts) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none` is a request the user made (typing the URL), not a page.
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    match headers.get(ORIGIN) {
        None => true,
        Some(origin) => origin
            .to_str()
            .ok()
            .and_then(|origin| origin.strip_prefix("http://"))
            .is_some_and(|host| !host.contains('/') && allowed.allows(host)),
    }
}

/// The middleware in front of the preview's endpoints.
pub(crate) async fn refuse_cross_origin(
    State(allowed): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    if is_same_origin(request.headers(), &allowed) {
        return next.run(request).await;
    }
    let origin = request
        .headers()
        .get(ORIGIN)
        .and_then(|origin| origin.to_str().ok())
        .unwrap_or("another site");
    tracing::warn!(
        origin,
        path = request.uri().path(),
        "refused a cross-origin request"
    );
    let body = format!(
        "framecast refused this request: {} answers only the preview player's own page, and this request came from {origin}.\n",
        request.uri().path()
    );
    (
        StatusCode::FORBIDDEN,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn answers_the_players_own_requests_and_clients_that_are_not_browsers() {
        let allowed = AllowedHosts::new("127.0.0.1:3002".parse().unwrap(), &[]);
        for pairs in [
            &[][..],
            &[("sec-fetch-site", "same-origin")][..],
            &[("sec-fetch-site", "none")][..],
            &[
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:3002"),
            ][..],
            &[("origin", "http://localhost:3002")][..],
        ] {
            assert!(is_same_origin(&headers(pairs), &allowed), "{pairs:?}");
        }
    }

    #[test]
    fn refuses_pages_of_other_origins() {
        let allowed = AllowedHosts::new("127.0.0.1:3002".parse().unwrap(), &[]);
        for pairs in [
            &[("sec-fetch-site", "cross-site")][..],
            &[("sec-fetch-site", "same-site")][..],
            &[("origin", "http://evil.example.com")][..],
            &[("origin", "http://127.0.0.1:5173")][..],
            &[("origin", "https://127.0.0.1:3002")][..],
            &[("origin", "null")][..],
            &[
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://evil.example.com:3002"),
            ][..],
        ] {
            assert!(!is_same_origin(&headers(pairs), &allowed), "{pairs:?}");
        }
    }
}
