//! Why a server could not start: one type for the capture file server and the preview, since
//! both check the same root and bind the same way.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot serve {root}: {source}; pass the directory that holds the composition")]
    Root {
        root: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "cannot serve {root}: it is not a directory; pass the directory that holds the composition"
    )]
    RootNotDirectory { root: PathBuf },

    #[error(
        "cannot listen on {host}: ports {first} to {last} are all taken; pass a free one with --port"
    )]
    PortsTaken { host: IpAddr, first: u16, last: u16 },

    #[error(
        "cannot listen on {address}: {source}; check that the address belongs to this machine and that framecast may open network sockets"
    )]
    Bind {
        /// The address asked for; port 0 means one the system chooses.
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "cannot watch {root} for changes: {source}; if the limit of watched files is reached, raise fs.inotify.max_user_watches"
    )]
    Watch {
        root: PathBuf,
        #[source]
        source: notify::Error,
    },
}
