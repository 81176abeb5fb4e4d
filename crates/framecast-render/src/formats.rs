//! Choosing the output format of a render: from the asked format or the output's name, with
//! alpha where the format keeps it, the capture image format that follows from that, and a
//! clear error for sizes or options the format cannot take.

use std::path::Path;

use framecast_browser::ImageFormat;
use framecast_media::{OutputFormat, VideoCodec};

use crate::{RenderError, Setting};

/// What the user asked of the output, as far as the format goes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OutputRequest<'a> {
    pub target: &'a Path,
    pub format: Option<OutputFormat>,
    pub codec: VideoCodec,
    pub alpha: Option<bool>,
    /// The JPEG quality frames are captured at when the format does not need PNG.
    pub jpeg_quality: u8,
}

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
    jpeg_quality: u8,
}

impl OutputPlan {
    /// Resolves the format and checks it against the composition's size.
    pub(crate) fn resolve(
        request: &OutputRequest,
        width: u32,
        height: u32,
        html_path: &Path,
    ) -> Result<OutputPlan, RenderError> {
        let setting = |setting, reason| RenderError::Setting { setting, reason };
        let format = match request.format {
            Some(format) => format,
            None => OutputFormat::from_path(request.target).ok_or_else(|| {
                setting(
                    Setting::Format,
                    format!(
                        "cannot tell the format from {}; use an .mp4, .webm, .mov or .gif \
                         name, a name without extension for a PNG sequence, or ask for a format",
                        request.target.display()
                    ),
                )
            })?,
        };
        if request.codec == VideoCodec::H265 && format != OutputFormat::Mp4 {
            return Err(setting(
                Setting::Codec,
                format!("h265 is only available for mp4, not {}", format.name()),
            ));
        }
        let alpha_from_page = request.alpha.is_none() && format == OutputFormat::Webm;
        let alpha = match request.alpha {
            Some(true) if !format.supports_alpha() => {
                return Err(setting(
                    Setting::Alpha,
                    format!(
                        "{} output cannot carry transparency; use webm, mov or png-sequence",
                        format.name()
                    ),
                ));
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
            capture: capture_format(format, alpha, request.jpeg_quality),
            jpeg_quality: request.jpeg_quality,
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
    pub(crate) fn for_page(self, transparent_background: bool) -> OutputPlan {
        if !self.alpha_from_page {
            return self;
        }
        OutputPlan {
            alpha: transparent_background,
            capture: capture_format(self.format, transparent_background, self.jpeg_quality),
            ..self
        }
    }
}

/// PNG where the pixels must be exact or keep alpha, JPEG otherwise.
fn capture_format(format: OutputFormat, alpha: bool, jpeg_quality: u8) -> ImageFormat {
    if format.captures_png(alpha) {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg {
            quality: jpeg_quality,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: &str) -> OutputRequest<'_> {
        OutputRequest {
            target: Path::new(target),
            format: None,
            codec: VideoCodec::H264,
            alpha: None,
            jpeg_quality: 80,
        }
    }

    #[test]
    fn format_and_alpha_follow_the_output_name() {
        let html = Path::new("index.html");
        let plan = |output: &str| OutputPlan::resolve(&request(output), 320, 180, html).unwrap();
        assert_eq!(plan("a.mp4").format, OutputFormat::Mp4);
        assert!(!plan("a.webm").alpha);
        assert!(plan("a.webm").transparent_page());
        let on_clear = plan("a.webm").for_page(true);
        assert!(on_clear.alpha && on_clear.capture == ImageFormat::Png);
        let on_colour = plan("a.webm").for_page(false);
        assert!(!on_colour.alpha && on_colour.capture == ImageFormat::Jpeg { quality: 80 });
        assert!(!plan("a.mp4").transparent_page());
        assert!(
            plan("a.mov").for_page(false).alpha,
            "mov keeps alpha anyway"
        );
        assert!(plan("a.mov").alpha);
        assert_eq!(plan("a.mov").capture, ImageFormat::Png);
        assert_eq!(plan("frames").format, OutputFormat::PngSequence);
        assert_eq!(plan("a.gif").capture, ImageFormat::Png);
        assert!(matches!(plan("a.mp4").capture, ImageFormat::Jpeg { .. }));
        let odd = OutputPlan::resolve(&request("a.mp4"), 321, 180, html);
        assert!(odd.unwrap_err().to_string().contains("even"));
        let odd_gif = OutputPlan::resolve(&request("a.gif"), 321, 181, html);
        assert!(odd_gif.is_ok());
    }

    #[test]
    fn hls_is_asked_for_by_format_and_captures_jpeg_without_alpha() {
        let html = Path::new("index.html");
        let hls = OutputRequest {
            format: Some(OutputFormat::Hls),
            ..request("stream")
        };
        let plan = OutputPlan::resolve(&hls, 320, 180, html).unwrap();
        assert_eq!(plan.format, OutputFormat::Hls);
        assert!(!plan.alpha && !plan.transparent_page());
        assert_eq!(plan.capture, ImageFormat::Jpeg { quality: 80 });
        let with_alpha = OutputRequest {
            alpha: Some(true),
            ..hls
        };
        let error = OutputPlan::resolve(&with_alpha, 320, 180, html).unwrap_err();
        assert!(matches!(
            error,
            RenderError::Setting {
                setting: Setting::Alpha,
                ..
            }
        ));
        assert!(error.to_string().contains("hls"), "{error}");
        let h265 = OutputRequest {
            codec: VideoCodec::H265,
            ..hls
        };
        let error = OutputPlan::resolve(&h265, 320, 180, html).unwrap_err();
        assert!(matches!(
            error,
            RenderError::Setting {
                setting: Setting::Codec,
                ..
            }
        ));
        let odd = OutputPlan::resolve(&hls, 321, 180, html).unwrap_err();
        assert!(odd.to_string().contains("even"), "{odd}");
    }

    #[test]
    fn settings_the_format_rules_out_name_the_setting() {
        let html = Path::new("index.html");
        let h265_webm = OutputRequest {
            codec: VideoCodec::H265,
            ..request("a.webm")
        };
        let error = OutputPlan::resolve(&h265_webm, 320, 180, html).unwrap_err();
        assert!(matches!(
            error,
            RenderError::Setting {
                setting: Setting::Codec,
                ..
            }
        ));
        let alpha_mp4 = OutputRequest {
            alpha: Some(true),
            ..request("a.mp4")
        };
        let error = OutputPlan::resolve(&alpha_mp4, 320, 180, html).unwrap_err();
        assert!(matches!(
            error,
            RenderError::Setting {
                setting: Setting::Alpha,
                ..
            }
        ));
        let error = OutputPlan::resolve(&request("a.avi"), 320, 180, html).unwrap_err();
        assert!(
            error.to_string().contains("invalid output format"),
            "{error}"
        );
    }
}
