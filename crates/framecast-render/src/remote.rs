//! Fetching the outside assets a composition names before Chrome starts, as HyperFrames'
//! compiler downloads them: each URL once, into the content-addressed cache of
//! [`framecast_browser::remote`], then every stylesheet's own references (a Google Fonts
//! stylesheet names its font files). A URL that cannot be fetched (offline, an HTTP error, a
//! host that does not resolve) is a warning naming it, and the page goes on without it as a
//! browser would; a strict render stops instead, before Chrome starts.

use std::collections::HashSet;

use framecast_browser::remote::{RemoteAssets, RemoteCache, RemoteFile};
use framecast_composition::{Composition, RemoteKind, RemoteRef, css_references, resolve_url};

use crate::RenderError;

/// How many assets are fetched at once.
const PARALLEL_FETCHES: usize = 8;

/// Where remote assets may come from, and what a failure means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemotePolicy {
    /// Never touch the network: only assets already in the cache are used.
    pub offline: bool,
    /// An asset that cannot be fetched stops the render.
    pub strict: bool,
}

/// Fetches (or finds in the cache) every outside asset of `composition` and of the stylesheets
/// among them. Blocks on the network.
pub(crate) fn gather(
    composition: &Composition,
    policy: RemotePolicy,
) -> Result<RemoteAssets, RenderError> {
    let mut assets = RemoteAssets::default();
    let mut pending: Vec<RemoteRef> = composition
        .remote_refs
        .iter()
        .filter(|found| !framecast_browser::served_locally(&found.url))
        .cloned()
        .collect();
    if pending.is_empty() {
        return Ok(assets);
    }
    let cache = RemoteCache::open(&framecast_browser::cache_dir(), policy.offline);
    let mut seen: HashSet<String> = pending.iter().map(|found| found.url.clone()).collect();
    let mut failures = Vec::new();
    while !pending.is_empty() {
        let fetched = fetch_all(&cache, &pending);
        let mut next = Vec::new();
        for (found, result) in pending.iter().zip(fetched) {
            match result {
                Ok(file) => {
                    if found.kind == RemoteKind::Stylesheet || file.is_css() {
                        next.extend(stylesheet_refs(&file, &mut seen));
                    }
                    assets.insert(file);
                }
                Err(reason) => {
                    if !policy.strict {
                        tracing::warn!(
                            "could not fetch {} (named in {}): {reason}; the page goes on without it, as a browser would",
                            found.url,
                            found.found_in
                        );
                    }
                    assets.insert_unavailable(&found.url, &reason);
                    failures.push(format!(
                        "{} (named in {}): {reason}",
                        found.url, found.found_in
                    ));
                }
            }
        }
        pending = next;
    }
    if policy.strict && !failures.is_empty() {
        return Err(RenderError::RemoteAssets { failures });
    }
    Ok(assets)
}

/// Fetches `refs` a few at a time, results in the same order.
fn fetch_all(cache: &RemoteCache, refs: &[RemoteRef]) -> Vec<Result<RemoteFile, String>> {
    let mut results = Vec::with_capacity(refs.len());
    for batch in refs.chunks(PARALLEL_FETCHES) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .map(|found| scope.spawn(|| cache.get(&found.url)))
                .collect();
            for handle in handles {
                results.push(
                    handle
                        .join()
                        .unwrap_or_else(|_| Err("the fetch panicked".to_string())),
                );
            }
        });
    }
    results
}

/// The references of a fetched stylesheet not seen yet, resolved against its URL.
fn stylesheet_refs(file: &RemoteFile, seen: &mut HashSet<String>) -> Vec<RemoteRef> {
    let Ok(css) = std::fs::read_to_string(&file.path) else {
        return Vec::new();
    };
    css_references(&css)
        .into_iter()
        .filter_map(|reference| {
            let url = resolve_url(&file.url, &reference.url)?;
            if framecast_browser::served_locally(&url) || !seen.insert(url.clone()) {
                return None;
            }
            Some(RemoteRef {
                url,
                kind: if reference.import {
                    RemoteKind::Stylesheet
                } else {
                    RemoteKind::File
                },
                found_in: file.url.clone(),
            })
        })
        .collect()
}
