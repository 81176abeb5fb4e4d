//! The plain H.264 MP4 encoder: I420 frames in index order to an `.mp4` file, no audio. A thin
//! front of [`OutputEncoder`](crate::OutputEncoder) (which the render pipeline uses for every
//! format) for callers that only need a video stream: tests, the regression harness.

use std::path::Path;

use crate::error::MediaError;
use crate::frame::{InputFrame, Yuv420Frame};
use crate::output::OutputEncoder;
use crate::settings::{
    DEFAULT_HLS_SEGMENT_SECONDS, GifLoop, OutputFormat, OutputSettings, VideoCodec,
};

/// What to encode: the frame size and exact rational frame rate of the render, and the x264
/// quality knobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncoderSettings {
    pub width: u32,
    pub height: u32,
    pub fps_num: u32,
    pub fps_den: u32,
    /// An x264 preset: "ultrafast" … "medium" … "veryslow".
    pub preset: String,
    /// x264 constant rate factor, 0 (lossless) to 51.
    pub crf: u8,
}

/// What [`VideoEncoder::finish`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodeSummary {
    pub frames: u64,
}

/// An H.264 (libx264) encoder writing one video stream to an MP4 file.
///
/// Frames are pushed in index order; frame `i` gets presentation time `i * fps_den / fps_num`
/// seconds. The stream and the H.264 VUI are tagged BT.709 (primaries, transfer, matrix) and
/// limited range. Dropping the encoder without calling [`finish`](Self::finish) leaves a
/// truncated file behind and does not panic; the caller's publish step removes it.
pub struct VideoEncoder {
    inner: OutputEncoder,
}

impl VideoEncoder {
    /// Creates the file at `path` and writes its header. The path must end in `.mp4`, so
    /// temporary paths should keep it (`out.tmp.mp4`, not `out.mp4.tmp`).
    pub fn create(path: &Path, settings: &EncoderSettings) -> Result<Self, MediaError> {
        if OutputFormat::from_path(path) != Some(OutputFormat::Mp4) {
            return Err(MediaError::UnknownContainer {
                path: path.to_path_buf(),
            });
        }
        if settings.crf > 51 {
            return Err(MediaError::InvalidSettings {
                path: path.to_path_buf(),
                reason: format!("crf {} is above x264's maximum of 51", settings.crf),
            });
        }
        let output = OutputSettings {
            format: OutputFormat::Mp4,
            codec: VideoCodec::H264,
            alpha: false,
            width: settings.width,
            height: settings.height,
            fps_num: settings.fps_num,
            fps_den: settings.fps_den,
            preset: settings.preset.clone(),
            crf: settings.crf,
            bitrate: None,
            vp9_cpu_used: None,
            gif_loop: GifLoop::default(),
            hls_segment_seconds: DEFAULT_HLS_SEGMENT_SECONDS,
            segment: false,
        };
        Ok(VideoEncoder {
            inner: OutputEncoder::create(path, &output, None)?,
        })
    }

    /// Encodes the next frame; its size must be the configured one.
    pub fn push(&mut self, frame: &Yuv420Frame) -> Result<(), MediaError> {
        self.inner.push(InputFrame::Yuv420(frame))
    }

    /// Flushes the encoder and finishes the file.
    pub fn finish(self) -> Result<EncodeSummary, MediaError> {
        let summary = self.inner.finish()?;
        Ok(EncodeSummary {
            frames: summary.frames,
        })
    }
}

#[cfg(test)]
mod tests;
