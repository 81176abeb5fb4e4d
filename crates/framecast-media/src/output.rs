//! The encoder a render writes through: one front for every [`OutputFormat`], MP4 (H.264 or
//! H.265), WebM (VP9, with alpha when asked), MOV (ProRes 4444 with alpha), GIF (one palette for
//! the whole video, Floyd-Steinberg dithering), PNG sequences and HLS (H.264 segments), each
//! with its audio track (AAC in MP4, MOV and HLS, Opus in WebM, a WAV file beside a PNG
//! sequence, none in a GIF). It checks the settings and hands the work to the container writer
//! or the GIF writer.

use std::path::Path;

use crate::audio::AudioTrack;
use crate::container::ContainerWriter;
use crate::error::MediaError;
use crate::frame::InputFrame;
use crate::gif::GifWriter;
use crate::settings::{OutputFormat, OutputSettings, OutputSummary, VideoCodec};

/// Why the settings cannot be written, beyond the frame size, if they cannot.
fn settings_problem(settings: &OutputSettings) -> Option<String> {
    let hls = settings.format == OutputFormat::Hls;
    if settings.fps_num == 0 || settings.fps_den == 0 {
        Some("the frame rate must be positive".to_string())
    } else if hls && settings.codec != VideoCodec::H264 {
        Some("HLS output is encoded with H.264 only".to_string())
    } else if hls && settings.alpha {
        Some("HLS output cannot carry transparency (H.264 has no alpha channel)".to_string())
    } else if hls && settings.hls_segment_seconds == 0 {
        Some("HLS segments must be at least one second long".to_string())
    } else {
        None
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
        if let Some(reason) = settings_problem(settings) {
            return Err(MediaError::InvalidSettings {
                path: path.to_path_buf(),
                reason,
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
