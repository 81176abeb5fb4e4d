//! Process-wide FFmpeg setup and the checks every FFmpeg entry point shares.

use std::path::Path;
use std::sync::Once;

use ffmpeg_next as ffmpeg;

/// Initialises FFmpeg once per process and turns its logging down to errors, so libav* does not
/// print per-file chatter (stream summaries, x264 statistics) to the user's terminal.
pub(crate) fn init_ffmpeg() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if let Err(error) = ffmpeg::init() {
            // Initialisation only registers devices on FFmpeg 5+; encoding and decoding files
            // work without it, so a failure is worth a log line, not an error.
            tracing::warn!(%error, "FFmpeg initialisation reported an error");
        }
        ffmpeg::log::set_level(ffmpeg::log::Level::Error);
    });
}

/// Why FFmpeg cannot be handed this path, if it cannot: ffmpeg-next converts paths to C strings
/// by unwrapping, so a non-UTF-8 path or one with a NUL byte would panic inside it.
pub(crate) fn unusable_path_reason(path: &Path) -> Option<&'static str> {
    match path.to_str() {
        None => Some("the path is not valid UTF-8, which FFmpeg's C API cannot take"),
        Some(text) if text.contains('\0') => Some("the path contains a NUL byte"),
        Some(_) => None,
    }
}
