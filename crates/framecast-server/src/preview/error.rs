use std::net::IpAddr;
use std::path::PathBuf;

/// Why the preview server could not start.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("cannot preview {root}: {source}; pass the directory that holds the composition")]
    Root {
        root: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "cannot listen on {host}: ports {first} to {last} are all taken; pass a free one with --port"
    )]
    PortsTaken { host: IpAddr, first: u16, last: u16 },

    #[error("cannot listen on {host}:{port}: {source}")]
    Bind {
        host: IpAddr,
        port: u16,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot watch {root} for changes: {source}")]
    Watch {
        root: PathBuf,
        #[source]
        source: notify::Error,
    },
}
