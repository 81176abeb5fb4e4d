//! The loopback HTTP servers framecast runs while it works. Today that is the capture file
//! server: it serves a composition's directory to Chrome on `127.0.0.1` with exact content
//! types and no caching, refuses anything outside that directory (`..`, encoded or not, and
//! symlinks that lead out), and answers requests for well-known libraries (`gsap.min.js`) with
//! the copies embedded in the binary (`framecast-assets`) when the composition does not ship
//! its own.
//!
//! This crate owns the network side only: it does not parse compositions or drive Chrome, and
//! the capture server never listens on anything but loopback (the preview
//! server in `preview/` does only when its user asks for another host).

mod content_type;
mod file_server;
mod preview;
mod request_path;
mod resolve;
mod serve;
mod vendor;

pub use file_server::{FileServer, FileServerConfig};
pub use preview::{
    CompositionCheck, PreviewConfig, PreviewError, PreviewEvent, PreviewServer, Problem,
};
pub use vendor::{VendorFile, VendorLibraries};

use std::path::PathBuf;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot serve {root}: {source}; pass an existing directory")]
    Root {
        root: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "cannot serve {root}: it is not a directory; pass the directory that holds the composition"
    )]
    RootNotDirectory { root: PathBuf },

    #[error("cannot listen on 127.0.0.1: {source}")]
    Bind {
        #[source]
        source: std::io::Error,
    },
}
