//! The composition model: reading a composition's HTML, its root attributes, and the timing
//! arithmetic every other stage shares (rational frame rates, frame counts, frame times).
//!
//! This crate does no I/O beyond reading the composition's files and has no async code. What
//! the page itself computes at run time (timelines, clip visibility) belongs to `runtime-js/`;
//! this crate owns what must be known before Chrome starts: where the composition is, its size,
//! its frame rate, its declared duration, and the values given for its variables.

mod error;
mod fps;
mod root;
mod variables;

pub use error::CompositionError;
pub use fps::{Fps, frame_count};
pub use root::{Composition, MAX_DURATION_SECS, RootAttributes, parse_root};
pub use variables::parse_variable_values;
