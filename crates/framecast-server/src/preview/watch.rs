//! Watching the project directory: file-system events from `notify`, debounced, then the
//! composition is checked again and every open player is told to reload.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::{broadcast, mpsc, watch};

use super::exact::ExactFrames;
use super::{PreviewEvent, Problem};
use crate::ServerError;

/// How many raw file-system events may wait for the debounce task; more are dropped, which is
/// harmless: one pending event is enough to cause a reload.
const RAW_EVENT_BUFFER: usize = 256;

/// Checks the composition again after a change (lint, parse); blocking work.
pub type CompositionCheck = Arc<dyn Fn() -> Vec<Problem> + Send + Sync>;

/// What a change to the project does, in this order: the composition is checked again, the
/// exact frames of the old files are dropped, and every open player is told to reload (so a
/// player that reloads asks for frames of the new files only).
pub(crate) struct OnChange {
    pub check: CompositionCheck,
    pub problems: watch::Sender<Vec<Problem>>,
    pub events: broadcast::Sender<PreviewEvent>,
    pub exact: Option<Arc<ExactFrames>>,
}

/// Starts watching `root` recursively. The returned watcher must be kept alive for as long as
/// changes should be reported.
pub(crate) fn start(
    root: &Path,
    debounce: Duration,
    on_change: OnChange,
) -> Result<notify::RecommendedWatcher, ServerError> {
    let (raw_tx, raw_rx) = mpsc::channel::<PathBuf>(RAW_EVENT_BUFFER);
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if !matters(&event.kind) {
            return;
        }
        for path in event.paths {
            let _ = raw_tx.try_send(path);
        }
    })
    .map_err(|source| ServerError::Watch {
        root: root.to_path_buf(),
        source,
    })?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(|source| ServerError::Watch {
            root: root.to_path_buf(),
            source,
        })?;
    tokio::spawn(debounce_changes(
        root.to_path_buf(),
        raw_rx,
        debounce,
        on_change,
    ));
    Ok(watcher)
}

/// Reads and metadata-only events do not change what the page shows.
fn matters(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    )
}

/// Collects changes until `debounce` passes without one (an editor's save is often several
/// events), then checks the composition, drops the exact frames, and announces one reload.
/// Ends when the watcher is dropped.
async fn debounce_changes(
    root: PathBuf,
    mut raw: mpsc::Receiver<PathBuf>,
    debounce: Duration,
    on_change: OnChange,
) {
    let OnChange {
        check,
        problems,
        events,
        exact,
    } = on_change;
    while let Some(first) = raw.recv().await {
        let mut changed = vec![first];
        loop {
            match tokio::time::timeout(debounce, raw.recv()).await {
                Ok(Some(path)) => {
                    if changed.len() < 32 && !changed.contains(&path) {
                        changed.push(path);
                    }
                }
                Ok(None) => return,
                Err(_) => break,
            }
        }
        let check = Arc::clone(&check);
        let found = tokio::task::spawn_blocking(move || check())
            .await
            .unwrap_or_default();
        let changed: Vec<String> = changed
            .iter()
            .map(|path| {
                path.strip_prefix(&root)
                    .unwrap_or(path)
                    .display()
                    .to_string()
            })
            .collect();
        tracing::info!(files = ?changed, problems = found.len(), "project changed; reloading");
        problems.send_replace(found.clone());
        if let Some(exact) = &exact {
            exact.invalidate().await;
        }
        // No open player is not an error.
        let _ = events.send(PreviewEvent::Reload {
            changed,
            problems: found,
        });
    }
}
