//! The output formats a render can write, and the encoder that writes them: MP4 (H.264 or
//! H.265), WebM (VP9, with alpha when asked), MOV (ProRes 4444 with alpha), GIF (one palette for
//! the whole video, Floyd-Steinberg dithering) and PNG sequences, each with its audio track
//! (AAC in MP4 and MOV, Opus in WebM, a WAV file beside a PNG sequence, none in a GIF).

use std::path::{Path, PathBuf};

use crate::audio::AudioTrack;
use crate::container::ContainerWriter;
use crate::error::MediaError;
use crate::frame::Yuv420Frame;
use crate::gif::GifWriter;
use crate::rgba::RgbaFrame;

/// What kind of file (or directory) a render produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Mp4,
    Webm,
    Mov,
    Gif,
    PngSequence,
}

/// The video codec of an MP4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VideoCodec {
    #[default]
    H264,
    H265,
}

/// How often a GIF plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GifLoop {
    #[default]
    Forever,
    /// Plays once, then repeats this many more times (0 = play once).
    Repeat(u16),
}

impl OutputFormat {
    /// The format a file name implies: `.mp4`/`.m4v`, `.webm`, `.mov`, `.gif`; a name without
    /// an extension (or ending in `/`) is a PNG sequence directory. The name alone decides,
    /// never what exists on disk: a folder called `out.mp4` is still asked to be an MP4 (and
    /// the output rule refuses it).
    pub fn from_path(path: &Path) -> Option<OutputFormat> {
        let text = path.to_string_lossy();
        if text.ends_with('/') {
            return Some(OutputFormat::PngSequence);
        }
        match path
            .extension()
            .map(|extension| extension.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("mp4" | "m4v") => Some(OutputFormat::Mp4),
            Some("webm") => Some(OutputFormat::Webm),
            Some("mov") => Some(OutputFormat::Mov),
            Some("gif") => Some(OutputFormat::Gif),
            None => Some(OutputFormat::PngSequence),
            Some(_) => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Mp4 => "mp4",
            OutputFormat::Webm => "webm",
            OutputFormat::Mov => "mov",
            OutputFormat::Gif => "gif",
            OutputFormat::PngSequence => "png-sequence",
        }
    }

    /// Whether this format can carry transparency.
    pub fn supports_alpha(self) -> bool {
        matches!(
            self,
            OutputFormat::Webm | OutputFormat::Mov | OutputFormat::PngSequence
        )
    }

    /// Whether frames should be captured as PNG (exact RGBA) rather than JPEG: always for
    /// alpha, and for GIF, whose palette is built from exact colours.
    pub fn captures_png(self, alpha: bool) -> bool {
        alpha || self == OutputFormat::Gif || self == OutputFormat::PngSequence
    }

    /// Why a `width` x `height` frame cannot be written in this format, if it cannot. 4:2:0
    /// video needs whole 2x2 chroma blocks and ProRes whole 2-pixel pairs; GIF and PNG take any
    /// size.
    pub fn size_problem(self, width: u32, height: u32) -> Option<String> {
        let odd = width % 2 == 1 || height % 2 == 1;
        match self {
            OutputFormat::Mp4 | OutputFormat::Webm | OutputFormat::Mov if odd => Some(format!(
                "{width}x{height} cannot be encoded as {}: its video codec needs an even width \
                 and height; change data-width/data-height to even numbers, or render to \
                 .gif or a PNG sequence, which take any size",
                self.name()
            )),
            _ if width == 0 || height == 0 => Some(format!("{width}x{height} is empty")),
            _ => None,
        }
    }

    /// The extension of the file (none for a PNG sequence directory).
    pub fn extension(self) -> Option<&'static str> {
        match self {
            OutputFormat::Mp4 => Some("mp4"),
            OutputFormat::Webm => Some("webm"),
            OutputFormat::Mov => Some("mov"),
            OutputFormat::Gif => Some("gif"),
            OutputFormat::PngSequence => None,
        }
    }
}

/// Everything an [`OutputEncoder`] needs to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSettings {
    pub format: OutputFormat,
    pub codec: VideoCodec,
    /// Keep the alpha channel (WebM: yuva420p; MOV and PNG always keep it).
    pub alpha: bool,
    pub width: u32,
    pub height: u32,
    pub fps_num: u32,
    pub fps_den: u32,
    /// An x264/x265 preset name; other encoders map it to their own speed knob.
    pub preset: String,
    /// x264-style constant rate factor (0–51); VP9 gets an equivalent.
    pub crf: u8,
    pub gif_loop: GifLoop,
}

/// One frame handed to the encoder: I420 from a JPEG capture, or RGBA from a PNG capture.
#[derive(Clone, Copy, Debug)]
pub enum InputFrame<'a> {
    Yuv420(&'a Yuv420Frame),
    Rgba(&'a RgbaFrame),
}

impl InputFrame<'_> {
    pub(crate) fn size(&self) -> (u32, u32) {
        match self {
            InputFrame::Yuv420(frame) => (frame.width, frame.height),
            InputFrame::Rgba(frame) => (frame.width, frame.height),
        }
    }
}

/// Writes frames in index order (and the audio track alongside) to any [`OutputFormat`].
/// Dropping it without [`finish`](Self::finish) leaves partial output that the caller's publish
/// step removes.
pub struct OutputEncoder {
    kind: Kind,
}

enum Kind {
    Container(Box<ContainerWriter>),
    Gif(Box<GifWriter>),
}

/// What [`OutputEncoder::finish`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSummary {
    pub frames: u64,
    /// Whether an audio stream (or, for a PNG sequence, `audio.wav`) was written.
    pub audio: bool,
    pub path: PathBuf,
}

impl OutputEncoder {
    /// Creates the output at `path` (a file, or for a PNG sequence a directory that is created).
    /// The audio track, if any, must be 48 kHz stereo and is encoded alongside the video.
    pub fn create(
        path: &Path,
        settings: &OutputSettings,
        audio: Option<AudioTrack>,
    ) -> Result<Self, MediaError> {
        if let Some(reason) = settings
            .format
            .size_problem(settings.width, settings.height)
        {
            return Err(MediaError::InvalidSettings {
                path: path.to_path_buf(),
                reason,
            });
        }
        if settings.fps_num == 0 || settings.fps_den == 0 {
            return Err(MediaError::InvalidSettings {
                path: path.to_path_buf(),
                reason: "the frame rate must be positive".to_string(),
            });
        }
        let kind = match settings.format {
            OutputFormat::Gif => Kind::Gif(Box::new(GifWriter::create(path, settings)?)),
            _ => Kind::Container(Box::new(ContainerWriter::create(path, settings, audio)?)),
        };
        Ok(OutputEncoder { kind })
    }

    /// Encodes the next frame.
    pub fn push(&mut self, frame: InputFrame<'_>) -> Result<(), MediaError> {
        match &mut self.kind {
            Kind::Container(writer) => writer.push(frame),
            Kind::Gif(writer) => writer.push(frame),
        }
    }

    /// Flushes everything and closes the output.
    pub fn finish(self) -> Result<OutputSummary, MediaError> {
        match self.kind {
            Kind::Container(writer) => writer.finish(),
            Kind::Gif(writer) => writer.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_extension() {
        let cases = [
            ("a.mp4", Some(OutputFormat::Mp4)),
            ("a.WEBM", Some(OutputFormat::Webm)),
            ("a.mov", Some(OutputFormat::Mov)),
            ("a.gif", Some(OutputFormat::Gif)),
            ("frames", Some(OutputFormat::PngSequence)),
            ("frames/", Some(OutputFormat::PngSequence)),
            ("a.avi", None),
        ];
        for (path, expected) in cases {
            assert_eq!(OutputFormat::from_path(Path::new(path)), expected, "{path}");
        }
        let dir = tempfile::tempdir().unwrap();
        let named_like_a_video = dir.path().join("frames.mp4");
        std::fs::create_dir(&named_like_a_video).unwrap();
        assert_eq!(
            OutputFormat::from_path(&named_like_a_video),
            Some(OutputFormat::Mp4)
        );
    }

    #[test]
    fn odd_sizes_are_rejected_only_for_420_formats() {
        assert!(OutputFormat::Mp4.size_problem(321, 180).is_some());
        assert!(OutputFormat::Webm.size_problem(320, 181).is_some());
        assert!(OutputFormat::Gif.size_problem(321, 181).is_none());
        assert!(OutputFormat::PngSequence.size_problem(321, 181).is_none());
        assert!(OutputFormat::Mov.size_problem(321, 180).is_some());
    }
}
