//! The loopback HTTP servers framecast runs while it works: the capture file server, which
//! serves a composition's directory to Chrome on `127.0.0.1` with exact content types and no
//! caching, and the preview dev server (`preview/`), which adds the player page and live reload.
//! Both stand on one core: the root checked once and symlinks followed no further than the
//! directories beside it (`root.rs`), request paths decoded and refused when they climb out
//! (`..`, encoded or not), requests for well-known libraries (`gsap.min.js`) answered with the
//! copies embedded in the binary (`framecast-assets`) when the composition does not ship its
//! own, a `Host` check against DNS rebinding, and one way to bind, start and stop (`listen.rs`).
//!
//! The preview's exact frames come from a `FrameSource` its user passes in, so that the crate
//! that drives Chrome stays out of this one.
//!
//! This crate owns the network side only: it does not parse compositions or drive Chrome, and
//! the capture server never listens on anything but loopback (the preview server does only when
//! its user asks for another host).

mod content_type;
mod cross_origin;
mod error;
mod file_server;
mod host_check;
mod listen;
mod preview;
mod request_path;
mod resolve;
mod root;
mod serve;
mod vendor;

pub use error::ServerError;
pub use file_server::{FileServer, FileServerConfig};
pub use preview::{
    CompositionCheck, FrameSource, FrameSourceError, PreviewConfig, PreviewEvent, PreviewServer,
    Problem, SourceFuture,
};
pub use vendor::{VendorFile, VendorLibraries};
