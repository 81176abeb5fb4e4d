//! The render settings a plan freezes: what every chunk is rendered with, whatever node runs it.
//! Built once from the user's [`RenderOptions`] when the plan is made, turned back into
//! options for each chunk; the node adds only how it runs Chrome (its path, its worker count).

use std::path::{Path, PathBuf};
use std::time::Duration;

use framecast_composition::Fps;
use framecast_media::{OutputFormat, VideoCodec};
use serde::{Deserialize, Serialize};

use crate::{AudioMode, FrameRange, Quality, RenderOptions, Resolution};

/// The settings of every chunk of a plan, as stored in `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSettings {
    /// The entry file, relative to the plan's `composition/` folder.
    pub entry: PathBuf,
    pub fps_num: u32,
    pub fps_den: u32,
    pub quality: String,
    pub crf: Option<u8>,
    pub video_bitrate: Option<u64>,
    pub vp9_cpu_used: Option<i8>,
    pub jpeg_quality: Option<u8>,
    /// Output pixels per CSS pixel (`--resolution`, resolved).
    pub scale: u32,
    pub variables: Option<serde_json::Map<String, serde_json::Value>>,
    pub format: String,
    pub codec: String,
    pub alpha: Option<bool>,
    pub allow_network: bool,
    pub frame_timeout_ms: u64,
    pub ready_timeout_ms: u64,
}

impl PlanSettings {
    /// The settings of `options`, with what the render resolved: the frame rate, the output
    /// size's scale and format.
    pub(crate) fn freeze(
        options: &RenderOptions,
        fps: Fps,
        scale: u32,
        entry: &Path,
        format: OutputFormat,
    ) -> PlanSettings {
        PlanSettings {
            entry: entry.to_path_buf(),
            fps_num: fps.num,
            fps_den: fps.den,
            quality: quality_name(options.quality).to_string(),
            crf: options.crf,
            video_bitrate: options.video_bitrate,
            vp9_cpu_used: options.vp9_cpu_used,
            jpeg_quality: options.jpeg_quality,
            scale,
            variables: options.variables.clone(),
            format: format.name().to_string(),
            codec: match options.media.codec {
                VideoCodec::H264 => "h264",
                VideoCodec::H265 => "h265",
            }
            .to_string(),
            alpha: options.media.alpha,
            allow_network: options.browser.allow_network,
            frame_timeout_ms: options.browser.frame_timeout.as_millis() as u64,
            ready_timeout_ms: options.browser.ready_timeout.as_millis() as u64,
        }
    }

    /// The output format, checked: one of those a chunked render writes.
    pub fn output_format(&self) -> Option<OutputFormat> {
        [
            OutputFormat::Mp4,
            OutputFormat::Webm,
            OutputFormat::Mov,
            OutputFormat::PngSequence,
        ]
        .into_iter()
        .find(|format| format.name() == self.format)
    }

    /// Options rendering `frames` of the composition in `composition` to `output`, with no
    /// audio (the plan's soundtrack is muxed once, by assemble). `base` gives how this node
    /// runs Chrome.
    pub(crate) fn chunk_options(
        &self,
        base: &RenderOptions,
        composition: &Path,
        output: &Path,
        frames: FrameRange,
    ) -> RenderOptions {
        let mut options = RenderOptions::new(composition, output);
        options.entry = Some(self.entry.clone());
        options.fps = Fps::new(self.fps_num, self.fps_den);
        options.quality = quality_from(&self.quality);
        options.crf = self.crf;
        options.video_bitrate = self.video_bitrate;
        options.vp9_cpu_used = self.vp9_cpu_used;
        options.jpeg_quality = self.jpeg_quality;
        options.resolution = (self.scale > 1).then_some(Resolution::Scale(self.scale));
        options.variables = self.variables.clone();
        options.media.format = self.output_format();
        options.media.codec = if self.codec == "h265" {
            VideoCodec::H265
        } else {
            VideoCodec::H264
        };
        options.media.alpha = self.alpha;
        options.media.audio = AudioMode::Off;
        options.media.frame_cache = base.media.frame_cache.clone();
        options.workers = base.workers;
        options.browser = crate::BrowserSettings {
            allow_network: self.allow_network,
            frame_timeout: Duration::from_millis(self.frame_timeout_ms),
            ready_timeout: Duration::from_millis(self.ready_timeout_ms),
            ..base.browser.clone()
        };
        options.overwrite = true;
        options.frame_range = Some(frames);
        options
    }
}

fn quality_name(quality: Quality) -> &'static str {
    match quality {
        Quality::Draft => "draft",
        Quality::Standard => "standard",
        Quality::Looks => "looks",
        Quality::High => "high",
    }
}

fn quality_from(name: &str) -> Quality {
    match name {
        "draft" => Quality::Draft,
        "standard" => Quality::Standard,
        "high" => Quality::High,
        _ => Quality::Looks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_options_render_what_the_plan_froze() {
        let mut options = RenderOptions::new("comp", "plan/probe.mp4");
        options.quality = Quality::Draft;
        options.crf = Some(20);
        options.media.codec = VideoCodec::H265;
        let fps = Fps::new(25, 1).unwrap();
        let settings =
            PlanSettings::freeze(&options, fps, 2, Path::new("index.html"), OutputFormat::Mp4);
        let json = serde_json::to_string(&settings).unwrap();
        let settings: PlanSettings = serde_json::from_str(&json).unwrap();
        let range = FrameRange {
            frames: 10..20,
            total: 50,
        };
        let chunk = settings.chunk_options(
            &RenderOptions::new("x", "y"),
            Path::new("plan/composition"),
            Path::new("chunks/chunk_0001.mp4"),
            range.clone(),
        );
        assert_eq!(chunk.fps, Some(fps));
        assert_eq!(chunk.quality, Quality::Draft);
        assert_eq!(chunk.crf, Some(20));
        assert_eq!(chunk.media.codec, VideoCodec::H265);
        assert_eq!(chunk.media.format, Some(OutputFormat::Mp4));
        assert_eq!(chunk.media.audio, AudioMode::Off, "audio is muxed once");
        assert_eq!(chunk.resolution, Some(Resolution::Scale(2)));
        assert_eq!(chunk.frame_range, Some(range));
        assert_eq!(chunk.input, Path::new("plan/composition"));
    }
}
