//! The timed elements below the composition root and the hosts of sub-compositions, as written.
//! Their times are resolved in the page (`runtime-js/timing.js`), where a start such as
//! `intro + 1.5` can refer to another clip's end; here they are the text the author wrote.

use scraper::ElementRef;

use crate::document::{attribute, descendants, describe};

/// An element below the root with `data-start`, `data-duration` or `data-track-index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    /// How messages name it, e.g. `<div id="title">`.
    pub element: String,
    /// Its `id`, which other clips' `data-start` may refer to.
    pub id: Option<String>,
    /// `data-start`: seconds, or `clipId`, `clipId + 1.5`, `clipId - 0.5`.
    pub start: Option<String>,
    /// `data-duration` in seconds.
    pub duration: Option<String>,
    /// `data-track-index`: the lane in an editor's timeline, not the z-order.
    pub track_index: Option<String>,
}

/// An element below the root that mounts another file's composition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubCompositionRef {
    /// How messages name the host, e.g. `<div data-composition-id="intro">`.
    pub host: String,
    /// The host's `data-composition-id`, the identity the mounted composition takes.
    pub id: Option<String>,
    /// `data-composition-src` as written, relative to the served directory.
    pub src: String,
}

/// Whether an element below the root is a clip: it has `data-start`, `data-duration` or
/// `data-track-index`.
pub(crate) fn is_timed(element: ElementRef<'_>) -> bool {
    let value = element.value();
    ["data-start", "data-duration", "data-track-index"]
        .iter()
        .any(|name| value.attr(name).is_some())
}

/// The clips and sub-composition hosts below `root`, in document order.
pub(crate) fn find_timed(root: ElementRef<'_>) -> (Vec<Clip>, Vec<SubCompositionRef>) {
    let (mut clips, mut hosts) = (Vec::new(), Vec::new());
    for element in descendants(root) {
        if is_timed(element) {
            clips.push(Clip {
                element: describe(element),
                id: attribute(element, "id"),
                start: attribute(element, "data-start"),
                duration: attribute(element, "data-duration"),
                track_index: attribute(element, "data-track-index"),
            });
        }
        if let Some(src) = attribute(element, "data-composition-src") {
            hosts.push(SubCompositionRef {
                host: describe(element),
                id: attribute(element, "data-composition-id"),
                src,
            });
        }
    }
    (clips, hosts)
}
