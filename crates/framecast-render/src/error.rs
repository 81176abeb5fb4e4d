use framecast_browser::BrowserError;
use framecast_composition::CompositionError;
use framecast_media::MediaError;
use framecast_server::ServerError;

/// Why a render failed. Every variant's message says what happened and, where it is known, the
/// file, element or frame.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Composition(#[from] CompositionError),

    #[error(transparent)]
    Browser(#[from] BrowserError),

    #[error(transparent)]
    Media(#[from] MediaError),

    /// A chunked render's plan, chunk or assembly (`distributed`).
    #[error(transparent)]
    Plan(#[from] crate::distributed::PlanError),

    #[error("cannot start the file server for the composition: {0}")]
    Server(#[from] ServerError),

    #[error(
        "{path}: the composition has no duration: set data-duration on the root element or register a GSAP timeline in window.__timelines"
    )]
    NoDuration { path: std::path::PathBuf },

    #[error(
        "{path}: the composition is {width}x{height}, but H.264 with yuv420p needs an even width and height; change data-width/data-height to even numbers"
    )]
    OddSize {
        path: std::path::PathBuf,
        width: u32,
        height: u32,
    },

    /// A setting the composition or the other settings rule out. The message names the
    /// setting; the CLI, which alone knows flag names, names the flag.
    #[error("invalid {}: {reason}", setting.describe())]
    Setting { setting: Setting, reason: String },

    #[error("cannot write the output {path}: {source}")]
    Output {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The output rule (`publish/rule.rs`) refused the target: writing it could lose data.
    #[error("refusing to write {path}: it {reason}")]
    UnsafeOutput {
        path: std::path::PathBuf,
        reason: String,
    },

    #[error(
        "the composition names {} outside asset{} that could not be fetched, and the render is strict:\n  {}",
        failures.len(),
        if failures.len() == 1 { "" } else { "s" },
        failures.join("\n  ")
    )]
    RemoteAssets { failures: Vec<String> },

    #[error("the shader transition at {at} s cannot be rendered: {reason}")]
    Transition { at: f64, reason: String },

    #[error("the render was cancelled; no output was written")]
    Cancelled,

    #[error("internal error: {0}")]
    Internal(String),
}

/// The settings a [`RenderError::Setting`] can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The output format, from its name or as asked.
    Format,
    Codec,
    Alpha,
    /// `--resolution` against the composition's size.
    Resolution,
    /// How the encoder spends bits: CRF or a target bitrate.
    RateControl,
    /// An encoder knob that only one format has.
    EncoderOption,
    /// The times of snapshot stills.
    Times,
}

impl Setting {
    pub fn describe(self) -> &'static str {
        match self {
            Setting::Format => "output format",
            Setting::Codec => "codec",
            Setting::Alpha => "transparency setting",
            Setting::Resolution => "resolution",
            Setting::RateControl => "rate control",
            Setting::EncoderOption => "encoder option",
            Setting::Times => "still time",
        }
    }
}
