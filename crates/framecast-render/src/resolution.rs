//! `--resolution`: an output size that is an integer multiple of the composition's, reached by
//! Chrome's device scale factor. The page lays out at the composition's size in CSS pixels
//! and Chrome rasterises it at the multiple, so text and vector shapes are drawn at the output
//! size instead of upscaled. Names as HyperFrames gives them (`landscape-4k`, `4k`, …), plus
//! `WxH` and `2x`.

use std::fmt;

/// An asked output resolution, before it meets the composition's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// `2x`: this multiple of the composition's size.
    Scale(u32),
    /// `3840x2160` or a preset with an orientation (`landscape-4k`).
    Size { width: u32, height: u32 },
    /// `1080p`, `hd`, `4k`, `uhd`: a tier whose orientation follows the composition's (a
    /// portrait composition at `4k` is 2160x3840), as HyperFrames reads these aliases.
    Tier { short_side: u32 },
}

/// The largest multiple: a 1080p composition at 8x is already 15360x8640.
const MAX_SCALE: u32 = 8;

impl Resolution {
    /// Reads a `--resolution` value.
    pub fn parse(text: &str) -> Result<Resolution, String> {
        let text = text.trim().to_ascii_lowercase();
        let size = |width, height| Ok(Resolution::Size { width, height });
        match text.as_str() {
            "landscape" => return size(1920, 1080),
            "portrait" => return size(1080, 1920),
            "landscape-4k" => return size(3840, 2160),
            "portrait-4k" => return size(2160, 3840),
            "square" | "1080p-square" | "square-1080p" => return size(1080, 1080),
            "square-4k" | "4k-square" => return size(2160, 2160),
            "1080p" | "hd" => return Ok(Resolution::Tier { short_side: 1080 }),
            "4k" | "uhd" => return Ok(Resolution::Tier { short_side: 2160 }),
            _ => {}
        }
        if let Some(Ok(scale)) = text.strip_suffix('x').map(str::parse::<u32>) {
            return match scale {
                1..=MAX_SCALE => Ok(Resolution::Scale(scale)),
                _ => Err(format!("a scale from 1x to {MAX_SCALE}x, not {text}")),
            };
        }
        let dimensions = text
            .split_once('x')
            .map(|(width, height)| (width.parse::<u32>(), height.parse::<u32>()));
        if let Some((Ok(width @ 1..), Ok(height @ 1..))) = dimensions {
            return size(width, height);
        }
        Err(format!(
            "unknown resolution {text:?}: use landscape, portrait, landscape-4k, portrait-4k, \
             square, square-4k (aliases 1080p, hd, 4k, uhd, 1080p-square, 4k-square), a size \
             such as 3840x2160, or a multiple such as 2x"
        ))
    }

    /// The device scale factor that brings a `width` x `height` composition to this
    /// resolution: a whole number, the same on both axes, never a downscale.
    pub fn scale_for(self, width: u32, height: u32) -> Result<u32, String> {
        let (target_width, target_height) = match self {
            Resolution::Scale(scale) => return Ok(scale),
            Resolution::Size { width, height } => (width, height),
            Resolution::Tier { short_side } => {
                let long_side = short_side * 16 / 9;
                match width.cmp(&height) {
                    std::cmp::Ordering::Greater => (long_side, short_side),
                    std::cmp::Ordering::Less => (short_side, long_side),
                    std::cmp::Ordering::Equal => (short_side, short_side),
                }
            }
        };
        let asked = format!("{target_width}x{target_height}");
        if target_width * height != target_height * width {
            return Err(format!(
                "{asked} does not have the composition's aspect ratio ({width}x{height}); pick a \
                 resolution of the same shape, or change data-width/data-height"
            ));
        }
        if target_width < width {
            return Err(format!(
                "{asked} is smaller than the composition ({width}x{height}); --resolution only \
                 renders at a multiple of the composition's size"
            ));
        }
        if target_width % width != 0 {
            return Err(format!(
                "{asked} is {:.3} times the composition's {width}x{height}, not a whole \
                 multiple; Chrome's device scale factor must be an integer for sharp pixels",
                f64::from(target_width) / f64::from(width)
            ));
        }
        let scale = target_width / width;
        if scale > MAX_SCALE {
            return Err(format!(
                "{asked} is {scale} times the composition's {width}x{height}; at most {MAX_SCALE}x"
            ));
        }
        Ok(scale)
    }
}

impl fmt::Display for Resolution {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resolution::Scale(scale) => write!(formatter, "{scale}x"),
            Resolution::Size { width, height } => write!(formatter, "{width}x{height}"),
            Resolution::Tier { short_side: 2160 } => write!(formatter, "4k"),
            Resolution::Tier { short_side } => write!(formatter, "{short_side}p"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(text: &str, width: u32, height: u32) -> Result<u32, String> {
        Resolution::parse(text)?.scale_for(width, height)
    }

    #[test]
    fn presets_aliases_sizes_and_multiples() {
        assert_eq!(scale("landscape-4k", 1920, 1080), Ok(2));
        assert_eq!(scale("4K", 1920, 1080), Ok(2));
        assert_eq!(scale("uhd", 1280, 720), Ok(3));
        assert_eq!(
            scale("4k", 1080, 1920),
            Ok(2),
            "a tier follows the orientation"
        );
        assert_eq!(scale("1080p", 1080, 1080), Ok(1));
        assert_eq!(scale("square-4k", 1080, 1080), Ok(2));
        assert_eq!(scale("640x360", 320, 180), Ok(2));
        assert_eq!(scale("3x", 321, 181), Ok(3));
    }

    #[test]
    fn refuses_other_shapes_fractions_downscales_and_unknown_names() {
        let aspect = scale("portrait-4k", 1920, 1080).unwrap_err();
        assert!(aspect.contains("aspect ratio"), "{aspect}");
        let fraction = scale("1920x1080", 1280, 720).unwrap_err();
        assert!(fraction.contains("whole"), "{fraction}");
        let smaller = scale("landscape", 3840, 2160).unwrap_err();
        assert!(smaller.contains("smaller"), "{smaller}");
        assert!(
            Resolution::parse("8k")
                .unwrap_err()
                .contains("unknown resolution")
        );
        assert!(Resolution::parse("0x").is_err());
        assert!(Resolution::parse("9x").is_err());
        assert!(Resolution::parse("0x100").is_err());
    }
}
