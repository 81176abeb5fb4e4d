use std::path::PathBuf;

/// Why a chunked render's plan, chunk or assembly was refused. Each message names the plan or
/// chunk and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path} is not a framecast plan ({reason}); make one with framecast plan <composition> -o {}", path.display())]
    NotAPlan { path: PathBuf, reason: String },

    #[error(
        "the plan {path} was changed after it was made ({reason}); make it again with framecast plan"
    )]
    Tampered { path: PathBuf, reason: String },

    #[error(
        "chunked renders write mp4, webm, mov or a PNG sequence, not {format}; render it in one process with framecast render"
    )]
    Format { format: &'static str },

    #[error("the plan has {chunks} chunks (0 to {}); chunk {index} does not exist", chunks.saturating_sub(1))]
    NoSuchChunk { index: usize, chunks: usize },

    #[error(
        "no chunk index: pass --index, or run under a Slurm job array ($SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job ($JOB_COMPLETION_INDEX)"
    )]
    NoIndex,

    #[error("{variable}={value:?} is not a chunk index (a whole number from 0)")]
    BadIndex {
        variable: &'static str,
        value: String,
    },

    #[error(
        "the page's timing gives {found} frames, but the plan counted {planned}; the composition changed since it was planned, so plan it again"
    )]
    FrameCount { planned: u64, found: u64 },

    #[error("{} of {} chunks cannot be assembled:\n  {}", problems.len(), chunks, problems.join("\n  "))]
    Chunks {
        chunks: usize,
        problems: Vec<String>,
    },

    #[error(
        "the plan renders {planned}, but the output {path} names {asked}; name the output with the plan's format"
    )]
    OutputFormat {
        path: PathBuf,
        planned: &'static str,
        asked: String,
    },

    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
