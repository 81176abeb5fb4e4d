//! What an output is asked to be (its format, codec and encoder settings) and what writing it
//! produced. Plain data shared by every writer, below them all in the module order.

use std::path::{Path, PathBuf};

/// What kind of file (or directory) a render produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Mp4,
    Webm,
    Mov,
    Gif,
    PngSequence,
    /// HTTP Live Streaming: a folder holding a VOD playlist and MPEG-TS segments (H.264, AAC),
    /// each segment starting on a keyframe. Only ever asked for by name, never inferred.
    Hls,
}

/// The segment length of an HLS output when none is asked for, as in HyperFrames.
pub const DEFAULT_HLS_SEGMENT_SECONDS: u32 = 4;

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
            OutputFormat::Hls => "hls",
        }
    }

    /// Whether the output is a folder of files rather than one file.
    pub fn writes_folder(self) -> bool {
        matches!(self, OutputFormat::PngSequence | OutputFormat::Hls)
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
            OutputFormat::Mp4 | OutputFormat::Webm | OutputFormat::Mov | OutputFormat::Hls
                if odd =>
            {
                Some(format!(
                    "{width}x{height} cannot be encoded as {}: its video codec needs an even \
                     width and height; change data-width/data-height to even numbers, or \
                     render to .gif or a PNG sequence, which take any size",
                    self.name()
                ))
            }
            _ if width == 0 || height == 0 => Some(format!("{width}x{height} is empty")),
            _ => None,
        }
    }

    /// The extension of the file (none for the formats written as a folder).
    pub fn extension(self) -> Option<&'static str> {
        match self {
            OutputFormat::Mp4 => Some("mp4"),
            OutputFormat::Webm => Some("webm"),
            OutputFormat::Mov => Some("mov"),
            OutputFormat::Gif => Some("gif"),
            OutputFormat::PngSequence | OutputFormat::Hls => None,
        }
    }
}

/// Everything an [`OutputEncoder`](crate::OutputEncoder) needs to know.
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
    /// A target average bitrate in bits per second, in place of `crf` (x264, x265, VP9).
    pub bitrate: Option<u64>,
    /// libvpx-vp9's `cpu-used` (-8 to 8) in place of the one the preset implies.
    pub vp9_cpu_used: Option<i8>,
    pub gif_loop: GifLoop,
    /// HLS: the length of every segment but the last, in whole seconds; every segment starts
    /// on a keyframe. Other formats ignore it.
    pub hls_segment_seconds: u32,
    /// Encode one chunk of a chunked render (`framecast render-chunk`): a closed GOP that starts
    /// on a keyframe and references nothing outside itself, with a fixed encoder thread count so
    /// that the bytes do not depend on the machine's cores and a retried chunk is identical.
    pub segment: bool,
}

/// What [`OutputEncoder::finish`](crate::OutputEncoder::finish) wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSummary {
    pub frames: u64,
    /// Whether an audio stream (or, for a PNG sequence, `audio.wav`) was written.
    pub audio: bool,
    pub path: PathBuf,
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
        assert!(OutputFormat::Hls.size_problem(320, 181).is_some());
        assert!(OutputFormat::Hls.size_problem(320, 180).is_none());
    }

    #[test]
    fn hls_is_a_folder_without_alpha_that_no_name_implies() {
        assert!(OutputFormat::Hls.writes_folder() && OutputFormat::PngSequence.writes_folder());
        assert!(!OutputFormat::Mp4.writes_folder());
        assert!(!OutputFormat::Hls.supports_alpha());
        assert!(!OutputFormat::Hls.captures_png(false));
        assert_eq!(OutputFormat::Hls.extension(), None);
        assert_eq!(
            OutputFormat::from_path(Path::new("stream")),
            Some(OutputFormat::PngSequence)
        );
    }
}
