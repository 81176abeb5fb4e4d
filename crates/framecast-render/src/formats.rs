//! Choosing the output format of a render: from `--format` or the output's extension, with
//! alpha where the format keeps it, the capture image format that follows from that, and a
//! clear error for sizes or options the format cannot take.

use framecast_browser::ImageFormat;
use framecast_media::{OutputFormat, OutputSettings, VideoCodec};

use crate::{FramePlan, RenderError, RenderOptions};

/// How this render's frames are captured and encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutputPlan {
    pub format: OutputFormat,
    /// Capture over a transparent page background and keep the alpha channel.
    pub alpha: bool,
    /// A webm without `--alpha`: it keeps alpha when the page paints no background, which only
    /// the page can tell ([`OutputPlan::for_page`]).
    pub alpha_from_page: bool,
    pub capture: ImageFormat,
}

impl OutputPlan {
    /// Resolves the format and checks it against the composition's size.
    pub(crate) fn resolve(
        options: &RenderOptions,
        width: u32,
        height: u32,
        html_path: &std::path::Path,
    ) -> Result<OutputPlan, RenderError> {
        let media = &options.media;
        let format = match media.format {
            Some(format) => format,
            None => OutputFormat::from_path(&options.output).ok_or_else(|| {
                RenderError::InvalidOption {
                    flag: "--format",
                    reason: format!(
                        "cannot tell the format from {}; use an .mp4, .webm, .mov or .gif \
                         name, a directory name for a PNG sequence, or pass --format",
                        options.output.display()
                    ),
                }
            })?,
        };
        if media.codec == VideoCodec::H265 && format != OutputFormat::Mp4 {
            return Err(RenderError::InvalidOption {
                flag: "--codec",
                reason: format!("h265 is only available for mp4, not {}", format.name()),
            });
        }
        let alpha_from_page = media.alpha.is_none() && format == OutputFormat::Webm;
        let alpha = match media.alpha {
            Some(true) if !format.supports_alpha() => {
                return Err(RenderError::InvalidOption {
                    flag: "--alpha",
                    reason: format!(
                        "{} cannot carry transparency; use webm, mov or png-sequence",
                        format.name()
                    ),
                });
            }
            Some(alpha) => alpha,
            None => matches!(format, OutputFormat::Mov | OutputFormat::PngSequence),
        };
        if let Some(reason) = format.size_problem(width, height) {
            return Err(RenderError::Media(
                framecast_media::MediaError::InvalidSettings {
                    path: html_path.to_path_buf(),
                    reason,
                },
            ));
        }
        Ok(OutputPlan {
            format,
            alpha,
            alpha_from_page,
            capture: capture_format(format, alpha, options),
        })
    }

    /// Whether Chrome should draw the page over a transparent background: for alpha output,
    /// and for a webm until the page says whether it has a background of its own (if it has,
    /// that background covers Chrome's, which then no longer matters).
    pub(crate) fn transparent_page(&self) -> bool {
        self.alpha || self.alpha_from_page
    }

    /// The plan once the page is ready: a webm without `--alpha` keeps alpha when the page
    /// paints no background.
    pub(crate) fn for_page(
        self,
        options: &RenderOptions,
        transparent_background: bool,
    ) -> OutputPlan {
        if !self.alpha_from_page {
            return self;
        }
        OutputPlan {
            alpha: transparent_background,
            capture: capture_format(self.format, transparent_background, options),
            ..self
        }
    }

    /// The encoder settings for this plan.
    pub(crate) fn settings(&self, options: &RenderOptions, plan: &FramePlan) -> OutputSettings {
        OutputSettings {
            format: self.format,
            codec: options.media.codec,
            alpha: self.alpha,
            width: plan.width,
            height: plan.height,
            fps_num: plan.fps.num,
            fps_den: plan.fps.den,
            preset: options.quality.x264_preset().to_string(),
            crf: options.crf.unwrap_or(options.quality.crf()),
            gif_loop: options.media.gif_loop,
        }
    }
}

/// PNG where the pixels must be exact or keep alpha, JPEG otherwise.
fn capture_format(format: OutputFormat, alpha: bool, options: &RenderOptions) -> ImageFormat {
    if format.captures_png(alpha) {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg {
            quality: options.quality.jpeg_quality(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_alpha_follow_the_output_name() {
        let html = std::path::Path::new("index.html");
        let plan = |output: &str| {
            OutputPlan::resolve(&RenderOptions::new("in", output), 320, 180, html).unwrap()
        };
        assert_eq!(plan("a.mp4").format, OutputFormat::Mp4);
        assert!(!plan("a.webm").alpha);
        assert!(plan("a.webm").transparent_page());
        let options = RenderOptions::new("in", "a.webm");
        let on_clear = plan("a.webm").for_page(&options, true);
        assert!(on_clear.alpha && on_clear.capture == ImageFormat::Png);
        let on_colour = plan("a.webm").for_page(&options, false);
        assert!(!on_colour.alpha && matches!(on_colour.capture, ImageFormat::Jpeg { .. }));
        assert!(!plan("a.mp4").transparent_page());
        assert!(
            plan("a.mov").for_page(&options, false).alpha,
            "mov keeps alpha anyway"
        );
        assert!(plan("a.mov").alpha);
        assert_eq!(plan("a.mov").capture, ImageFormat::Png);
        assert_eq!(plan("frames").format, OutputFormat::PngSequence);
        assert_eq!(plan("a.gif").capture, ImageFormat::Png);
        assert!(matches!(plan("a.mp4").capture, ImageFormat::Jpeg { .. }));
        let odd = OutputPlan::resolve(&RenderOptions::new("in", "a.mp4"), 321, 180, html);
        assert!(odd.unwrap_err().to_string().contains("even"));
        let odd_gif = OutputPlan::resolve(&RenderOptions::new("in", "a.gif"), 321, 181, html);
        assert!(odd_gif.is_ok());
    }
}
