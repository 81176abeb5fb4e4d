use std::path::PathBuf;

/// What can go wrong in the harness. Errors about one fixture's render or comparison are kept in
/// that fixture's outcome (the run goes on with the others); these stop the run.
#[derive(Debug, thiserror::Error)]
pub enum RegressError {
    #[error("{action} {path} failed: {source}")]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: `{field}` {reason}")]
    Meta {
        path: PathBuf,
        field: String,
        reason: String,
    },

    #[error("fixtures directory {path} does not exist or is not a directory")]
    NoFixtureDir { path: PathBuf },

    #[error("invalid shard {value:?}: {reason}")]
    BadShard { value: String, reason: String },

    #[error("invalid fixture filter: {0}")]
    BadFilter(#[from] regex::Error),

    #[error("{path}: {reason}; fix it or delete it and run with --update-timings")]
    Timings { path: PathBuf, reason: String },

    #[error("writing the report to {path} failed: {reason}")]
    Report { path: PathBuf, reason: String },
}
