//! The composition model: finding a composition's entry file, reading and parsing its HTML once,
//! the root attributes, clips, sub-composition references, media elements and variables it
//! declares, the page settings the runtime reads (`window.__framecastConfig`), and the timing
//! arithmetic every other stage shares (rational frame rates, frame counts, frame times). No
//! other crate parses the composition's HTML: they take what [`Composition::load`] found.
//!
//! The HTML parser is html5ever, through `scraper`: html5ever is Servo's implementation of the
//! WHATWG HTML parsing algorithm, the one Chrome runs on the same file, so attribute case,
//! quoting, character references, duplicate attributes, comments, raw-text elements and
//! `<template>` content come out as the page sees them. `scraper` adds an owned, immutable tree
//! over it (markup5ever's own `rcdom` is documented as not meant for production use), and is
//! the maintained, widely used way to get one.
//!
//! This crate does no I/O beyond reading the composition's files and has no async code. What
//! the page itself computes at run time (timelines, clip visibility, resolved starts) belongs to
//! `runtime-js/`; this crate owns what must be known before Chrome starts: where the
//! composition is, its size, its frame rate, its declared duration, its media, and the values
//! given for its variables.

mod clips;
mod composition;
mod document;
mod entry;
mod error;
mod fps;
mod head;
mod media;
mod page_config;
mod remote;
mod root;
mod source;
mod variables;

pub use clips::{Clip, SubCompositionRef};
pub use composition::Composition;
pub use entry::find_entry;
pub use error::CompositionError;
pub use fps::{Fps, frame_count};
pub use head::head_script_offset;
pub use media::{MediaElement, MediaKind};
pub use page_config::{PageAudio, PageConfig, PageMedia, PageVideo};
pub use remote::{CssReference, RemoteKind, RemoteRef, css_references, remote_url, resolve_url};
pub use root::{MAX_DURATION_SECS, RootAttributes, parse_root};
pub use source::{Position, SourceElement, SourceFile};
pub use variables::{VariableDeclaration, parse_variable_values};
