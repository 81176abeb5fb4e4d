//! The preview server's routes: the player page and its assets under `/` and `/__framecast/`,
//! the reload event stream, the exact frames, and the project's files (the entry HTML with the
//! runtime injected).

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::Stream;
use tokio::sync::{broadcast, watch};

use super::exact::{ExactFrames, FrameSourceError};
use super::inject::{RUNTIME_URL, inject_runtime};
use super::{PreviewEvent, Problem};
use crate::cross_origin::refuse_cross_origin;
use crate::host_check::AllowedHosts;
use crate::request_path;
use crate::resolve::Site;
use crate::serve::{self, Lookup};

const PLAYER_HTML: &str = include_str!("../../../../runtime-js/player/index.html");
const PLAYER_JS: &str = include_str!("../../../../runtime-js/player/player.js");
const PLAYER_CSS: &str = include_str!("../../../../runtime-js/player/player.css");

pub(crate) struct PreviewState {
    pub site: Arc<Site>,
    /// The entry HTML, relative to the root, without a leading slash.
    pub entry: String,
    pub runtime: String,
    pub prelude: String,
    pub problems: watch::Receiver<Vec<Problem>>,
    pub events: broadcast::Sender<PreviewEvent>,
    /// Turns true when the server shuts down, ending the event streams.
    pub closing: watch::Receiver<bool>,
    pub exact: Option<Arc<ExactFrames>>,
}

pub(crate) fn router(state: Arc<PreviewState>, allowed: AllowedHosts) -> Router {
    // What only the player may ask: the status, the reload stream and the exact frames.
    let endpoints = Router::new()
        .route("/__framecast/status", get(status))
        .route("/__framecast/events", get(events))
        .route("/__framecast/frame", get(frame))
        .route_layer(axum::middleware::from_fn_with_state(
            allowed,
            refuse_cross_origin,
        ));
    Router::new()
        .route(
            "/",
            get(|| async { asset(PLAYER_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/__framecast/player.js",
            get(|| async { asset(PLAYER_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/__framecast/player.css",
            get(|| async { asset(PLAYER_CSS, "text/css; charset=utf-8") }),
        )
        .route(RUNTIME_URL, get(runtime))
        .merge(endpoints)
        .fallback(project_file)
        .with_state(state)
        .layer(axum::middleware::map_response(no_store))
}

async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type)], body).into_response()
}

/// The prelude and the runtime, as one classic script.
async fn runtime(State(state): State<Arc<PreviewState>>) -> Response {
    let body = format!("{}\n{}", state.prelude, state.runtime);
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], body).into_response()
}

/// The entry's URL and the composition's current problems, for a player that just loaded.
async fn status(State(state): State<Arc<PreviewState>>) -> Response {
    let body = serde_json::json!({
        "entry": format!("/{}", request_path::encode(Path::new(&state.entry))),
        "problems": *state.problems.borrow(),
    });
    ([(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// Server-sent events: one `reload` event per debounced change.
async fn events(
    State(state): State<Arc<PreviewState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.events.subscribe();
    let closing = state.closing.clone();
    let stream = futures::stream::unfold(
        (receiver, closing),
        |(mut receiver, mut closing)| async move {
            loop {
                if *closing.borrow() {
                    return None;
                }
                let event = tokio::select! {
                    event = receiver.recv() => event,
                    _ = closing.changed() => return None,
                };
                match event {
                    Ok(event) => {
                        let data = serde_json::to_string(&event)
                            .expect("a preview event should serialize");
                        let sse = Event::default().event("reload").data(data);
                        return Some((Ok(sse), (receiver, closing)));
                    }
                    // Missed events only mean the player reloads once for several changes.
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// `/__framecast/frame?t=SECONDS`: the PNG a render captures at that time.
async fn frame(State(state): State<Arc<PreviewState>>, uri: axum::http::Uri) -> Response {
    let text = |status: StatusCode, message: String| {
        (
            status,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{message}\n"),
        )
            .into_response()
    };
    // A number needs no percent-decoding: anything encoded is not one.
    let given = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("t="));
    let Some(given) = given else {
        return text(
            StatusCode::BAD_REQUEST,
            "give the time in seconds: /__framecast/frame?t=1.5".to_string(),
        );
    };
    let time = match given.trim().parse::<f64>() {
        Ok(time) if time.is_finite() && time >= 0.0 => time,
        _ => {
            return text(
                StatusCode::BAD_REQUEST,
                format!("t={given} is not a time; give seconds from 0, such as t=1.5"),
            );
        }
    };
    let Some(exact) = &state.exact else {
        return text(
            StatusCode::NOT_FOUND,
            "this preview captures no exact frames".to_string(),
        );
    };
    match exact.frame(time).await {
        Ok(png) => ([(CONTENT_TYPE, "image/png")], png.as_ref().clone()).into_response(),
        Err(error @ FrameSourceError::PastTheEnd { .. }) => {
            text(StatusCode::NOT_FOUND, error.to_string())
        }
        Err(error @ FrameSourceError::Failed(_)) => {
            text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
        }
    }
}

async fn project_file(State(state): State<Arc<PreviewState>>, request: Request) -> Response {
    match serve::lookup(&state.site, request).await {
        Lookup::SiteFile { path, relative, .. } if relative == Path::new(&state.entry) => {
            entry_html(&path).await
        }
        Lookup::SiteFile { path, request, .. } => serve::file(&path, request).await,
        Lookup::Answered(response) => response,
    }
}

/// The composition's entry HTML with the runtime as the first script of `<head>`.
async fn entry_html(path: &Path) -> Response {
    match tokio::fs::read(path).await {
        Ok(bytes) => {
            let html = String::from_utf8_lossy(&bytes);
            let body = inject_runtime(&html);
            ([(CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
        }
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "reading the entry HTML failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
