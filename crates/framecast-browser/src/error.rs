use std::path::PathBuf;
use std::time::Duration;

/// What can go wrong while driving Chrome. Messages name the frame or step and carry the tail of
/// Chrome's own stderr where it explains a failure.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error(
        "Chrome was not found at {path}; install Debian's chromium-headless-shell (scripts/setup does) or pass --chrome <path>"
    )]
    ChromeMissing { path: PathBuf },

    #[error("Chrome failed to start ({path}): {reason}{}", stderr_tail(.stderr))]
    Launch {
        path: PathBuf,
        reason: String,
        stderr: String,
    },

    #[error("DevTools protocol error while {step}: {message}")]
    Protocol { step: String, message: String },

    #[error("timed out after {:.1} s while {step}{}", .after.as_secs_f64(), stderr_tail(.stderr))]
    Timeout {
        step: String,
        after: Duration,
        stderr: String,
    },

    #[error("the page failed while {step}: {message}")]
    Page { step: String, message: String },

    #[error("Chrome exited unexpectedly while {step}{}", stderr_tail(.stderr))]
    Crashed { step: String, stderr: String },

    #[error(
        "the composition requested {} outside URL{}, but a render reaches only the composition's own files:\n{}\nput these files beside the composition and load them by a relative path, or pass --allow-network",
        .urls.len(),
        if .urls.len() == 1 { "" } else { "s" },
        .urls.iter().map(|url| format!("  {url}")).collect::<Vec<_>>().join("\n")
    )]
    NetworkBlocked { urls: Vec<String> },

    #[error("cannot prepare the fonts compositions render with: {message}")]
    Fonts { message: String },
}

fn stderr_tail(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("\nlast lines of Chrome's stderr:\n{}", stderr.trim_end())
    }
}
