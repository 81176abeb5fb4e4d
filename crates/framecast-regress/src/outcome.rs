//! What a run found, fixture by fixture: the data behind the stdout table, `report.json` and
//! the HTML page.

use serde::Serialize;

/// How one fixture ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The render matched its golden.
    Passed,
    /// The render differs from its golden beyond the fixture's tolerances.
    Failed,
    /// The fixture could not be judged: its render failed, its golden is missing or too large,
    /// or its `renderConfig` asks for something the renderer cannot do yet.
    Error,
    /// `--update` made the render the new golden.
    Updated,
    /// Tagged `no-regress`.
    Skipped,
}

impl Status {
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Failed | Status::Error)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "pass",
            Status::Failed => "FAIL",
            Status::Error => "ERROR",
            Status::Updated => "updated",
            Status::Skipped => "skipped",
        }
    }
}

/// One checked frame.
#[derive(Debug, Clone, Serialize)]
pub struct Checkpoint {
    pub frame: u64,
    /// The frame's time in seconds.
    pub time: f64,
    /// PSNR in dB against the golden; `None` when the frames are identical (infinite PSNR).
    pub psnr: Option<f64>,
    pub passed: bool,
    /// The golden, new and difference images, relative to the report directory, when a report
    /// was asked for and this checkpoint failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<CheckpointImages>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckpointImages {
    pub golden: String,
    pub rendered: String,
    pub difference: String,
}

/// The audio verdict.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AudioCheck {
    /// Neither the golden nor the render has an audio stream: nothing to compare.
    NoAudio,
    Compared {
        /// The best RMS-envelope correlation found within the lag window.
        correlation: f64,
        /// Where it was found, in 32 ms envelope windows (positive: the render is late).
        lag_windows: i64,
        passed: bool,
    },
    /// One side has audio and the other has none.
    Mismatch { golden: bool, rendered: bool },
}

/// A fact about the golden and the same fact about the render.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pair<T> {
    pub golden: T,
    pub rendered: T,
}

/// Everything known about one fixture's run.
#[derive(Debug, Clone, Serialize)]
pub struct FixtureOutcome {
    pub id: String,
    pub name: String,
    pub status: Status,
    /// Wall time for the fixture: render plus comparison.
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub render_seconds: Option<f64>,
    /// Frames in the golden and in the render.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames: Option<Pair<u64>>,
    /// Container durations in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<Pair<f64>>,
    pub min_psnr: f64,
    pub max_frame_failures: u64,
    pub checkpoints: Vec<Checkpoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioCheck>,
    /// Why the fixture failed or erred, one sentence each.
    pub problems: Vec<String>,
}

impl FixtureOutcome {
    pub fn new(id: &str, name: &str, min_psnr: f64, max_frame_failures: u64) -> Self {
        FixtureOutcome {
            id: id.to_string(),
            name: name.to_string(),
            status: Status::Passed,
            seconds: 0.0,
            render_seconds: None,
            frames: None,
            duration: None,
            min_psnr,
            max_frame_failures,
            checkpoints: Vec::new(),
            audio: None,
            problems: Vec::new(),
        }
    }

    pub fn failed_checkpoints(&self) -> impl Iterator<Item = &Checkpoint> {
        self.checkpoints
            .iter()
            .filter(|checkpoint| !checkpoint.passed)
    }

    /// The lowest PSNR among the checked frames; `None` when every frame was identical or none
    /// was checked.
    pub fn worst_psnr(&self) -> Option<f64> {
        self.checkpoints
            .iter()
            .filter_map(|checkpoint| checkpoint.psnr)
            .min_by(f64::total_cmp)
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// `I/N` when the run was one shard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    pub fixtures: Vec<FixtureOutcome>,
    pub seconds: f64,
}

impl RunSummary {
    pub fn failures(&self) -> usize {
        self.fixtures
            .iter()
            .filter(|outcome| outcome.status.is_failure())
            .count()
    }
}
