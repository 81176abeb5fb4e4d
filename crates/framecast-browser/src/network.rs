//! The page's network during a render: the loopback server that serves the composition is the
//! only place it reaches. Requests are intercepted with the DevTools `Fetch` domain: requests to
//! the server continue at once, CDN script URLs of known libraries are answered from the copies
//! embedded in the binary (see [`crate::cdn`] and `framecast-assets`), and every other request is
//! failed and recorded, so that the render can fail with the list of what the composition tried
//! to load.
//!
//! Outside assets the composition names (a Google Fonts stylesheet, an image on a CDN) were
//! fetched into the remote-asset cache before Chrome started (see [`crate::remote`]); their
//! requests are answered from it, and the requests for those that could not be fetched fail
//! without failing the render, as a browser offline fails them.
//!
//! With `allow_network` only the CDN hosts and the remote assets are intercepted and everything
//! else goes out as usual.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine;
use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EnableParams, EventRequestPaused, FailRequestParams,
    FulfillRequestParams, HeaderEntry, RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::network::ErrorReason;
use futures::StreamExt;
use tokio::task::JoinHandle;

use crate::BrowserError;
use crate::cdn::{self, CdnFile};
use crate::remote::{RemoteAssets, RemoteFile};

/// The hosts whose script URLs may be answered locally; with `allow_network` only these are
/// intercepted.
const CDN_HOSTS: &[&str] = &[
    "cdn.jsdelivr.net",
    "fastly.jsdelivr.net",
    "gcore.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
];

/// What a page may reach.
#[derive(Debug, Clone)]
pub(crate) struct NetworkPolicy {
    /// `http://127.0.0.1:PORT`: requests to it continue untouched.
    pub allowed_origin: String,
    pub allow_network: bool,
    /// The outside assets fetched for this render, and those that could not be.
    pub remote: Arc<RemoteAssets>,
}

/// What happens to one intercepted request.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Continue,
    Serve(CdnFile),
    /// A Google Fonts stylesheet for families framecast already provides (Inter, JetBrains
    /// Mono): answered with an empty stylesheet, the page's faces are already there.
    ProvidedFonts,
    /// An outside asset, answered from the remote-asset cache.
    Remote(Arc<RemoteFile>),
    /// An outside asset that could not be fetched before the render (already warned about):
    /// the request fails, the render goes on.
    Unavailable,
    Block,
}

fn verdict(url: &str, policy: &NetworkPolicy) -> Verdict {
    if origin(url) == Some(policy.allowed_origin.as_str()) {
        return Verdict::Continue;
    }
    if let Some(file) = cdn::cdn_file(url) {
        // A file of a CDN package that framecast does not embed may have been fetched.
        if !has_local_copy(&file) {
            if let Some(fetched) = policy.remote.get(url) {
                return Verdict::Remote(Arc::clone(fetched));
            }
        }
        return Verdict::Serve(file);
    }
    if is_provided_fonts_stylesheet(url) {
        return Verdict::ProvidedFonts;
    }
    if let Some(fetched) = policy.remote.get(url) {
        return Verdict::Remote(Arc::clone(fetched));
    }
    if policy.remote.is_unavailable(url) {
        return Verdict::Unavailable;
    }
    if policy.allow_network {
        Verdict::Continue
    } else {
        Verdict::Block
    }
}

/// Whether the page's request for `url` is answered by framecast itself, with no fetch: a CDN
/// file framecast embeds, or a Google Fonts stylesheet for families it provides. Such URLs are
/// not remote assets to fetch.
pub fn served_locally(url: &str) -> bool {
    cdn::cdn_file(url).is_some_and(|file| has_local_copy(&file))
        || is_provided_fonts_stylesheet(url)
}

fn has_local_copy(file: &CdnFile) -> bool {
    framecast_assets::file(&format!("{}/{}", file.package, file.path)).is_some()
}

/// A Google Fonts stylesheet for families framecast already provides (Inter, JetBrains Mono).
fn is_provided_fonts_stylesheet(url: &str) -> bool {
    google_fonts_families(url).is_some_and(|families| {
        families
            .iter()
            .all(|family| crate::fonts::is_provided_family(family))
    })
}

/// The families a Google Fonts stylesheet URL asks for (`css2?family=Inter:wght@400;700` or
/// `css?family=Inter:400,700|Roboto`), if it is one.
fn google_fonts_families(url: &str) -> Option<Vec<String>> {
    let rest = url
        .strip_prefix("https://fonts.googleapis.com/")
        .or_else(|| url.strip_prefix("http://fonts.googleapis.com/"))?;
    let (path, query) = rest.split_once('?')?;
    if path != "css" && path != "css2" {
        return None;
    }
    let families: Vec<String> = query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("family="))
        .flat_map(|value| {
            let value = value.replace("%7C", "|").replace("%7c", "|");
            value.split('|').map(str::to_string).collect::<Vec<_>>()
        })
        .map(|family| {
            let name = family.split([':', '%']).next().unwrap_or_default();
            name.replace('+', " ").trim().to_string()
        })
        .filter(|family| !family.is_empty())
        .collect();
    (!families.is_empty()).then_some(families)
}

/// `scheme://host[:port]` of a URL, lower-cased scheme and host as Chrome reports them.
pub(crate) fn origin(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")?;
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |end| authority_start + end);
    Some(&url[..authority_end])
}

/// Request interception for one page; dropping it stops handling events (the page is closed
/// with it).
#[derive(Debug)]
pub(crate) struct NetworkGuard {
    blocked: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl NetworkGuard {
    /// Starts intercepting the page's requests. Must run before the page navigates.
    pub(crate) async fn install(page: &Page, policy: NetworkPolicy) -> Result<Self, BrowserError> {
        let step = "intercepting the page's network requests";
        let protocol = |error: chromiumoxide::error::CdpError| BrowserError::Protocol {
            step: step.to_string(),
            message: error.to_string(),
        };
        let mut events = page
            .event_listener::<EventRequestPaused>()
            .await
            .map_err(protocol)?;
        let blocked = Arc::new(Mutex::new(Vec::new()));
        let policy = Arc::new(policy);
        let task = {
            let (page, blocked, policy) = (page.clone(), Arc::clone(&blocked), Arc::clone(&policy));
            tokio::spawn(async move {
                while let Some(event) = events.next().await {
                    let (page, blocked, policy) =
                        (page.clone(), Arc::clone(&blocked), Arc::clone(&policy));
                    // Each request is answered on its own task, so a large local file being sent
                    // never holds up the loopback requests behind it.
                    tokio::spawn(async move { answer(&page, &event, &policy, &blocked).await });
                }
            })
        };
        // Built before enabling, so that a failure below drops it and stops the task.
        let guard = NetworkGuard { blocked, task };
        page.execute(EnableParams {
            patterns: Some(patterns(policy.allow_network && policy.remote.is_empty())),
            handle_auth_requests: None,
        })
        .await
        .map_err(protocol)?;
        Ok(guard)
    }

    /// Fails with the list of URLs the page was refused so far, if any.
    pub(crate) fn check(&self) -> Result<(), BrowserError> {
        let blocked = self
            .blocked
            .lock()
            .expect("blocked URL list lock should not be poisoned");
        if blocked.is_empty() {
            Ok(())
        } else {
            Err(BrowserError::NetworkBlocked {
                urls: blocked.clone(),
            })
        }
    }
}

impl Drop for NetworkGuard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// CDP patterns cannot say "everything but loopback", so a closed network intercepts every
/// request and lets loopback ones continue at once (one DevTools round trip each, well under a
/// millisecond). An open one with no remote assets only needs the CDN hosts.
fn patterns(only_cdn_hosts: bool) -> Vec<RequestPattern> {
    let pattern = |url: String| RequestPattern {
        url_pattern: Some(url),
        resource_type: None,
        request_stage: Some(RequestStage::Request),
    };
    if only_cdn_hosts {
        CDN_HOSTS
            .iter()
            .map(|host| pattern(format!("*://{host}/*")))
            .collect()
    } else {
        vec![pattern("*".to_string())]
    }
}

async fn answer(
    page: &Page,
    event: &EventRequestPaused,
    policy: &NetworkPolicy,
    blocked: &Mutex<Vec<String>>,
) {
    let url = &event.request.url;
    let id = event.request_id.clone();
    let result = match verdict(url, policy) {
        Verdict::Continue => page.execute(ContinueRequestParams::new(id)).await.map(drop),
        Verdict::Serve(file) => match local_copy(&file, url) {
            Ok(body) => page.execute(fulfill(id, &file, body)).await.map(drop),
            Err(reason) => {
                record(blocked, format!("{url} ({reason})"));
                fail(page, id).await
            }
        },
        Verdict::ProvidedFonts => {
            let css = "/* framecast provides these families itself */\n";
            let params = fulfilled(id, "text/css; charset=utf-8", css.as_bytes());
            page.execute(params).await.map(drop)
        }
        Verdict::Remote(file) => match tokio::fs::read(&file.path).await {
            Ok(body) => {
                let params = fulfilled(id, &file.content_type, &body);
                page.execute(params).await.map(drop)
            }
            Err(error) => {
                record(
                    blocked,
                    format!("{url} (reading {}: {error})", file.path.display()),
                );
                fail(page, id).await
            }
        },
        Verdict::Unavailable => fail(page, id).await,
        Verdict::Block => {
            tracing::debug!(url, "blocked a request that leaves the loopback server");
            record(blocked, url.clone());
            fail(page, id).await
        }
    };
    // The page may have gone away (a restart, the end of the render) with requests in flight.
    if let Err(error) = result {
        tracing::debug!(url, %error, "answering an intercepted request failed");
    }
}

fn record(blocked: &Mutex<Vec<String>>, entry: String) {
    let mut blocked = blocked
        .lock()
        .expect("blocked URL list lock should not be poisoned");
    if !blocked.contains(&entry) {
        blocked.push(entry);
    }
}

async fn fail(
    page: &Page,
    id: chromiumoxide::cdp::browser_protocol::fetch::RequestId,
) -> Result<(), chromiumoxide::error::CdpError> {
    page.execute(FailRequestParams::new(id, ErrorReason::BlockedByClient))
        .await
        .map(drop)
}

/// The embedded copy of a CDN file, logging once per URL when its version is not the one the
/// URL names.
fn local_copy(file: &CdnFile, url: &str) -> Result<&'static [u8], String> {
    let body = framecast_assets::file(&format!("{}/{}", file.package, file.path)).ok_or_else(|| {
        format!(
            "no local copy: framecast embeds the browser builds of {}, and {} is not one of them",
            file.package, file.path
        )
    })?;
    let embedded = embedded_version(file.package);
    if !cdn::version_matches(file.version.as_deref(), &embedded) {
        notice_version_once(url, file, &embedded);
    }
    Ok(body)
}

/// The version of the embedded package, from its `package.json`.
fn embedded_version(package: &str) -> String {
    framecast_assets::file(&format!("{package}/package.json"))
        .and_then(|manifest| serde_json::from_slice::<serde_json::Value>(manifest).ok())
        .and_then(|value| value.get("version")?.as_str().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}

fn notice_version_once(url: &str, file: &CdnFile, embedded: &str) {
    static NOTICED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut noticed = NOTICED
        .lock()
        .expect("version notice lock should not be poisoned");
    // Once per package and requested version: a page loading five plugins of one gsap version
    // gets one notice.
    let key = format!("{}@{}", file.package, file.version.as_deref().unwrap_or(""));
    if noticed.get_or_insert_with(HashSet::new).insert(key) {
        tracing::warn!(
            "{url} asks for {} {}; serving the embedded {embedded} instead (renders never reach the network)",
            file.package,
            file.version.as_deref().unwrap_or("")
        );
    }
}

fn fulfill(
    id: chromiumoxide::cdp::browser_protocol::fetch::RequestId,
    file: &CdnFile,
    body: &[u8],
) -> FulfillRequestParams {
    let content_type = match Path::new(&file.path)
        .extension()
        .and_then(|extension| extension.to_str())
    {
        Some("js" | "mjs" | "cjs") => "text/javascript; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    };
    fulfilled(id, content_type, body)
}

/// A 200 answer with `body`.
fn fulfilled(
    id: chromiumoxide::cdp::browser_protocol::fetch::RequestId,
    content_type: &str,
    body: &[u8],
) -> FulfillRequestParams {
    let encoded = base64::engine::general_purpose::STANDARD.encode(body);
    let mut params = FulfillRequestParams::new(id, 200);
    params.response_headers = Some(vec![
        HeaderEntry::new("Content-Type", content_type),
        // Module scripts, `crossorigin` scripts and fonts are fetched in CORS mode.
        HeaderEntry::new("Access-Control-Allow-Origin", "*"),
    ]);
    params.body = Some(encoded.into());
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(allow_network: bool) -> NetworkPolicy {
        NetworkPolicy {
            allowed_origin: "http://127.0.0.1:4000".to_string(),
            allow_network,
            remote: Arc::default(),
        }
    }

    #[test]
    fn origins_stop_at_the_path() {
        assert_eq!(
            origin("http://127.0.0.1:4000/a/b.js"),
            Some("http://127.0.0.1:4000")
        );
        assert_eq!(
            origin("http://127.0.0.1:4000?x"),
            Some("http://127.0.0.1:4000")
        );
        assert_eq!(origin("https://example.com"), Some("https://example.com"));
        assert_eq!(origin("data:text/plain,hi"), None);
    }

    #[test]
    fn only_the_loopback_server_continues_on_a_closed_network() {
        let closed = policy(false);
        assert_eq!(
            verdict("http://127.0.0.1:4000/index.html", &closed),
            Verdict::Continue
        );
        for url in [
            "https://example.com/data.json",
            "http://127.0.0.1:4001/other-port.js",
            "http://127.0.0.1:40000/longer-port.js",
            "http://localhost:4000/index.html",
            "http://93.184.216.34/ip-literal.png",
        ] {
            assert_eq!(verdict(url, &closed), Verdict::Block, "{url}");
        }
        assert!(matches!(
            verdict(
                "https://cdn.jsdelivr.net/npm/gsap@3.12.5/dist/gsap.min.js",
                &closed
            ),
            Verdict::Serve(CdnFile {
                package: "gsap",
                ..
            })
        ));
    }

    #[test]
    fn google_fonts_stylesheets_for_provided_families_are_answered() {
        assert_eq!(
            google_fonts_families(
                "https://fonts.googleapis.com/css2?family=Inter:wght@400;700&family=JetBrains+Mono&display=swap"
            ),
            Some(vec!["Inter".to_string(), "JetBrains Mono".to_string()])
        );
        assert_eq!(
            google_fonts_families("https://fonts.googleapis.com/css?family=Inter:400,700|Roboto"),
            Some(vec!["Inter".to_string(), "Roboto".to_string()])
        );
        assert_eq!(
            google_fonts_families("https://fonts.googleapis.com/icon?family=Material+Icons"),
            None
        );
        let closed = policy(false);
        assert_eq!(
            verdict(
                "https://fonts.googleapis.com/css2?family=Inter:wght@400;900&display=swap",
                &closed
            ),
            Verdict::ProvidedFonts
        );
        assert_eq!(
            verdict(
                "https://fonts.googleapis.com/css2?family=Inter&family=Roboto&display=swap",
                &closed
            ),
            Verdict::Block
        );
    }

    /// A file of the checkout's `node_modules`, which the embedded table was built from.
    fn installed(path: &str) -> Vec<u8> {
        let node_modules = concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules");
        std::fs::read(Path::new(node_modules).join(path))
            .unwrap_or_else(|error| panic!("should read the installed {path}: {error}"))
    }

    fn cdn(url: &str) -> CdnFile {
        cdn::cdn_file(url).unwrap_or_else(|| panic!("{url} should name a CDN file"))
    }

    #[test]
    fn cdn_urls_are_answered_with_the_embedded_copies() {
        for (url, path) in [
            (
                "https://cdn.jsdelivr.net/npm/gsap@3.12.5/dist/gsap.min.js",
                "gsap/dist/gsap.min.js",
            ),
            (
                "https://cdnjs.cloudflare.com/ajax/libs/gsap/3.12.5/ScrollTrigger.min.js",
                "gsap/dist/ScrollTrigger.min.js",
            ),
            (
                "https://unpkg.com/lottie-web",
                "lottie-web/build/player/lottie.min.js",
            ),
            (
                "https://cdn.jsdelivr.net/npm/three@0.159.0/build/three.module.js",
                "three/build/three.module.js",
            ),
            (
                "https://unpkg.com/animejs@3.2.1/lib/anime.min.js",
                "animejs/lib/anime.min.js",
            ),
        ] {
            let body = local_copy(&cdn(url), url).unwrap_or_else(|error| panic!("{url}: {error}"));
            assert_eq!(Some(body), framecast_assets::file(path), "{url}");
            assert_eq!(body, installed(path), "{url}");
        }
    }

    #[test]
    fn files_outside_the_embedded_builds_have_no_local_copy() {
        for url in [
            "https://cdn.jsdelivr.net/npm/three@0.159.0/examples/jsm/controls/OrbitControls.js",
            "https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js.map",
            "https://unpkg.com/lottie-web@5/build/player/cjs/lottie.min.js",
        ] {
            let error = local_copy(&cdn(url), url).expect_err(url);
            assert!(error.starts_with("no local copy"), "{url}: {error}");
        }
    }

    #[test]
    fn embedded_versions_come_from_the_embedded_manifests() {
        for package in ["gsap", "lottie-web", "three", "animejs"] {
            let manifest: serde_json::Value =
                serde_json::from_slice(&installed(&format!("{package}/package.json")))
                    .expect("an installed package.json should be JSON");
            assert_eq!(
                Some(embedded_version(package).as_str()),
                manifest["version"].as_str(),
                "{package}"
            );
        }
        assert_eq!(embedded_version("left-pad"), "unknown");
    }

    #[test]
    fn an_open_network_still_serves_cdn_copies() {
        let open = policy(true);
        assert_eq!(
            verdict("https://example.com/data.json", &open),
            Verdict::Continue
        );
        assert!(matches!(
            verdict("https://unpkg.com/lottie-web", &open),
            Verdict::Serve(_)
        ));
        assert_eq!(patterns(true).len(), CDN_HOSTS.len());
        assert_eq!(patterns(false).len(), 1);
    }
}
