//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong in this crate. Messages name the file (for encode and decode
/// errors) or the expected shape (for frame errors), so the caller only adds the frame index or
/// the render it belongs to.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("could not decode JPEG capture: {source}")]
    Jpeg {
        #[source]
        source: turbojpeg::Error,
    },

    #[error(
        "JPEG capture is {width}x{height}, expected {expected_width}x{expected_height} \
         (check the browser viewport and device scale factor)"
    )]
    JpegSize {
        expected_width: u32,
        expected_height: u32,
        width: usize,
        height: usize,
    },

    #[error("frame size {width}x{height} is not supported: 4:2:0 video needs even dimensions")]
    OddDimensions { width: u32, height: u32 },

    #[error("invalid encoder settings for {}: {reason}", path.display())]
    InvalidSettings { path: PathBuf, reason: String },

    #[error(
        "cannot choose a container for {}: the file name must end in a known extension \
         such as .mp4 (use e.g. `out.tmp.mp4` for temporary files)",
        path.display()
    )]
    UnknownContainer { path: PathBuf },

    #[error("FFmpeg has no libx264 encoder (install an FFmpeg built with --enable-libx264)")]
    MissingEncoder,

    #[error("frame {index} for {} is {width}x{height}, but the encoder was created for {expected_width}x{expected_height}", path.display())]
    FrameSize {
        path: PathBuf,
        index: u64,
        width: u32,
        height: u32,
        expected_width: u32,
        expected_height: u32,
    },

    #[error("encoding {}: {what}: {source}", path.display())]
    Encode {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },

    #[error("decoding {}: {what}: {source}", path.display())]
    Decode {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },

    #[error("cannot open {}: {reason}", path.display())]
    UnusablePath { path: PathBuf, reason: &'static str },

    #[error("{} has no video stream", path.display())]
    NoVideoStream { path: PathBuf },

    #[error(
        "captured image is {width}x{height}, expected {expected_width}x{expected_height} \
         (check the browser viewport and device scale factor)"
    )]
    ImageSize {
        expected_width: u32,
        expected_height: u32,
        width: u32,
        height: u32,
    },

    #[error("{what}: {source}")]
    Image {
        what: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },

    #[error("FFmpeg has no {name} codec (install Debian's ffmpeg libraries with scripts/setup)")]
    MissingCodec { name: &'static str },

    #[error("{element}: {}: {reason}", path.display())]
    Source {
        element: String,
        path: PathBuf,
        reason: String,
    },

    #[error("writing {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
