//! Pixel comparison of a render with its golden: which frames to check, PSNR per frame, and the
//! difference image the report shows.

/// How many frames of a video are checked: every frame of a short video, else this many spread
/// evenly from the first frame to the last.
pub const CHECKPOINTS: u64 = 100;

/// The frame indices to check in a video of `frames` frames: all of them up to
/// [`CHECKPOINTS`], else [`CHECKPOINTS`] indices from 0 to `frames - 1`, evenly spread.
pub fn checkpoint_frames(frames: u64) -> Vec<u64> {
    if frames <= CHECKPOINTS {
        return (0..frames).collect();
    }
    let last = frames - 1;
    (0..CHECKPOINTS)
        .map(|i| (i * last + (CHECKPOINTS - 1) / 2) / (CHECKPOINTS - 1))
        .collect()
}

/// Which signal PSNR is measured on: luma for opaque video (what the eye and the encoder care
/// about; chroma noise is ignored, as HyperFrames does), every channel sample for formats that
/// keep alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PsnrSignal {
    /// Luma of packed RGB24.
    Luma,
    /// Every byte: packed RGB24 or RGBA.
    Rgb,
}

/// Peak signal-to-noise ratio in dB of two images of the same size and layout; infinite when
/// they are identical.
///
/// # Panics
///
/// If the two buffers differ in length, or for [`PsnrSignal::Luma`] are not whole RGB pixels.
pub fn psnr(golden: &[u8], rendered: &[u8], signal: PsnrSignal) -> f64 {
    assert_eq!(golden.len(), rendered.len(), "images must be the same size");
    let (squared_error, samples) = match signal {
        PsnrSignal::Luma => {
            assert_eq!(golden.len() % 3, 0, "luma PSNR takes packed RGB24");
            let error: u64 = golden
                .chunks_exact(3)
                .zip(rendered.chunks_exact(3))
                .map(|(a, b)| {
                    let d = i64::from(luma(a)) - i64::from(luma(b));
                    (d * d) as u64
                })
                .sum();
            (error, golden.len() / 3)
        }
        PsnrSignal::Rgb => {
            let error: u64 = golden
                .iter()
                .zip(rendered)
                .map(|(a, b)| {
                    let d = i64::from(*a) - i64::from(*b);
                    (d * d) as u64
                })
                .sum();
            (error, golden.len())
        }
    };
    if squared_error == 0 || samples == 0 {
        return f64::INFINITY;
    }
    let mse = squared_error as f64 / samples as f64;
    10.0 * (255.0 * 255.0 / mse).log10()
}

/// Full-range BT.709 luma of an RGB pixel, in integer arithmetic (weights 54/183/19 of 256).
fn luma(pixel: &[u8]) -> u8 {
    let weighted =
        54 * u32::from(pixel[0]) + 183 * u32::from(pixel[1]) + 19 * u32::from(pixel[2]) + 128;
    (weighted >> 8) as u8
}

/// A difference image for the report: each channel's absolute difference, amplified 4x so small
/// drifts are visible, on black where the frames agree.
pub fn difference_image(golden: &[u8], rendered: &[u8]) -> Vec<u8> {
    golden
        .iter()
        .zip(rendered)
        .map(|(a, b)| a.abs_diff(*b).saturating_mul(4))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_videos_check_every_frame() {
        assert_eq!(checkpoint_frames(3), vec![0, 1, 2]);
        assert_eq!(checkpoint_frames(100).len(), 100);
        assert!(checkpoint_frames(0).is_empty());
    }

    #[test]
    fn long_videos_check_a_hundred_frames_from_first_to_last() {
        let frames = checkpoint_frames(1000);
        assert_eq!(frames.len(), 100);
        assert_eq!(frames[0], 0);
        assert_eq!(*frames.last().unwrap(), 999);
        assert!(frames.windows(2).all(|pair| pair[0] < pair[1]));
        let gaps: Vec<u64> = frames.windows(2).map(|pair| pair[1] - pair[0]).collect();
        assert!(gaps.iter().all(|gap| (10..=11).contains(gap)), "{gaps:?}");
        let just_over = checkpoint_frames(101);
        assert_eq!(just_over.len(), 100);
        assert!(just_over.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn identical_images_have_infinite_psnr() {
        let image = vec![17u8; 4 * 4 * 3];
        assert_eq!(psnr(&image, &image, PsnrSignal::Luma), f64::INFINITY);
        assert_eq!(psnr(&image, &image, PsnrSignal::Rgb), f64::INFINITY);
    }

    #[test]
    fn psnr_matches_the_formula() {
        // Every sample off by 10 levels: MSE 100, PSNR = 10 log10(65025 / 100) = 28.13 dB.
        let golden = vec![100u8; 8 * 8 * 3];
        let rendered = vec![110u8; 8 * 8 * 3];
        let rgb = psnr(&golden, &rendered, PsnrSignal::Rgb);
        assert!((rgb - 28.13).abs() < 0.01, "{rgb}");
        let luma = psnr(&golden, &rendered, PsnrSignal::Luma);
        assert!((luma - 28.13).abs() < 0.01, "{luma}");
    }

    #[test]
    fn luma_psnr_ignores_a_pure_chroma_swap_less_than_rgb() {
        // Red and a grey of the same luma: RGB sees a big change, luma almost none.
        let red = [255u8, 0, 0].repeat(16);
        let grey = [54u8, 54, 54].repeat(16);
        assert!(psnr(&red, &grey, PsnrSignal::Luma) > 40.0);
        assert!(psnr(&red, &grey, PsnrSignal::Rgb) < 10.0);
    }

    #[test]
    fn the_difference_image_is_black_where_frames_agree() {
        let diff = difference_image(&[10, 20, 30, 40], &[10, 25, 30, 0]);
        assert_eq!(diff, vec![0, 20, 0, 160]);
    }
}
