//! Pixel math for framecast: the shader transitions that join two scenes, ported from
//! HyperFrames' WebGL fragment shaders (`@hyperframes/shader-transitions`) to the CPU, so that
//! a composition authored for HyperFrames blends the same way.
//!
//! Everything here is a pure function over pixel slices: no I/O, no async, no global state that
//! changes a result. The work is split by rows over the current rayon pool (call inside
//! `ThreadPool::install` to choose the pool), and every pixel is computed on its own, so the
//! bytes are the same whatever the thread count.
//!
//! The bytes are also the same on every machine: only IEEE basic operations (`+ - * /`,
//! `sqrt`, conversions), integer arithmetic and `libm` are used, never the platform's maths
//! library (this crate's `clippy.toml` forbids `f32::sin` and friends) and never a fused
//! multiply-add. Per-pixel `exp`, `sin` and `cos` use small polynomials (module `math`) built from
//! basic operations (as deterministic as `libm`, within a few ulp of it, and vectorisable);
//! setup-time ones call `libm`. Bilinear sampling uses 8-bit weights in exact integer
//! arithmetic, like a GPU's texture unit; the SSE2 and AVX2 paths compute the same numbers as
//! the portable ones (tested). On CPUs with AVX2, each row's shader code is compiled a second
//! time for AVX2 and chosen at run time: element-wise IEEE arithmetic without fused
//! multiply-adds gives the same bits at any vector width.
//!
//! Fields that depend only on the frame size and not on progress (the fractal noise of
//! `domain-warp`, `cross-warp-morph`, `ridged-burn`, `swirl-vortex`, `thermal-distortion`, the
//! wave phases of `ripple-waves`) are computed once per size and kept in a small cache bounded
//! by bytes, so a transition that spans many frames pays for them once; [`prepare`] computes
//! them ahead of the first frame.

mod accent;
mod field_cache;
mod math;
mod noise;
mod progress;
mod render;
mod sample;
mod shaders;
mod transition;

pub use accent::Accent;
pub use progress::{frame_bounds, progress_for_frame};
pub use transition::{Transition, UnknownTransition};

use sample::{Rgb16, Rgba8};

/// The largest frame side: sample positions are kept in 1/256ths of a texel below 2^22.
pub const MAX_SIDE: usize = 16384;

/// What was wrong with a blend call's arguments.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlendError {
    #[error("frame size {width}x{height} is empty")]
    EmptyFrame { width: usize, height: usize },
    #[error("frame size {width}x{height} is larger than {MAX_SIDE} pixels on a side")]
    TooLarge { width: usize, height: usize },
    #[error("{which} buffer holds {actual} values, but a {width}x{height} frame needs {expected}")]
    BufferSize {
        which: &'static str,
        width: usize,
        height: usize,
        expected: usize,
        actual: usize,
    },
}

/// Blends two 8-bit RGBA frames (`width * height * 4` bytes each, rows top to bottom) into
/// `out` with `transition` at `progress` (clamped to 0..=1).
///
/// At progress 0 `out` is a copy of `from`, at 1 a copy of `to`. In between, colour comes from
/// the transition's shader and alpha is 255 (HyperFrames' shaders write opaque pixels).
#[expect(
    clippy::too_many_arguments,
    reason = "the shader's inputs, each needed; a struct would only be unpacked again"
)]
pub fn blend_rgba(
    transition: Transition,
    from: &[u8],
    to: &[u8],
    width: usize,
    height: usize,
    progress: f32,
    accent: &Accent,
    out: &mut [u8],
) -> Result<(), BlendError> {
    check_sizes(width, height, 4, from.len(), to.len(), out.len())?;
    if let Some(copy) = endpoint(progress, from, to) {
        out.copy_from_slice(copy);
        return Ok(());
    }
    let from = Rgba8::new(from, width, height);
    let to = Rgba8::new(to, width, height);
    shaders::run(transition, &from, &to, progress, accent, out);
    Ok(())
}

/// Blends two 16-bit RGB frames (`width * height * 3` values each, rows top to bottom), for
/// HDR output, into `out`. Values are normalised to 0..=1 by 65535 before the shader math, so
/// an HDR frame blends exactly like its SDR counterpart does.
#[expect(
    clippy::too_many_arguments,
    reason = "the shader's inputs, each needed; a struct would only be unpacked again"
)]
pub fn blend_rgb16(
    transition: Transition,
    from: &[u16],
    to: &[u16],
    width: usize,
    height: usize,
    progress: f32,
    accent: &Accent,
    out: &mut [u16],
) -> Result<(), BlendError> {
    check_sizes(width, height, 3, from.len(), to.len(), out.len())?;
    if let Some(copy) = endpoint(progress, from, to) {
        out.copy_from_slice(copy);
        return Ok(());
    }
    let from = Rgb16::new(from, width, height);
    let to = Rgb16::new(to, width, height);
    shaders::run(transition, &from, &to, progress, accent, out);
    Ok(())
}

/// Computes the noise and distance fields `transition` caches for frames of `width` x
/// `height` (up to about a second for `domain-warp` at 1080p on two cores), so that the first
/// blended frame of a render is not slower than the others. Optional: a blend computes what is
/// missing. Blocks until done; call it off the async runtime, e.g. while browsers start.
pub fn prepare(transition: Transition, width: usize, height: usize) {
    if (1..=MAX_SIDE).contains(&width) && (1..=MAX_SIDE).contains(&height) {
        shaders::prepare(transition, width, height);
    }
}

/// Progress 0 is exactly `from` and 1 exactly `to`: the shaders are not evaluated there (some
/// of them, like `ridged-burn`, would still draw a faint glow at 0).
fn endpoint<'a, T>(progress: f32, from: &'a [T], to: &'a [T]) -> Option<&'a [T]> {
    if progress.is_nan() || progress <= 0.0 {
        Some(from)
    } else if progress >= 1.0 {
        Some(to)
    } else {
        None
    }
}

fn check_sizes(
    width: usize,
    height: usize,
    channels: usize,
    from: usize,
    to: usize,
    out: usize,
) -> Result<(), BlendError> {
    if width == 0 || height == 0 {
        return Err(BlendError::EmptyFrame { width, height });
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(BlendError::TooLarge { width, height });
    }
    let expected = width * height * channels;
    for (which, actual) in [("from", from), ("to", to), ("out", out)] {
        if actual != expected {
            return Err(BlendError::BufferSize {
                which,
                width,
                height,
                expected,
                actual,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_avx2_rows_are_the_portable_rows() {
        let (w, h) = (97, 61);
        let frame = |seed: u32| -> Vec<u8> {
            let mut state = seed;
            (0..w * h * 4)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (state >> 24) as u8
                })
                .collect()
        };
        let (from, to) = (frame(1), frame(2));
        let accent = Accent::DEFAULT;
        for transition in Transition::ALL {
            let blend = |portable: bool| {
                render::PORTABLE_ONLY.store(portable, std::sync::atomic::Ordering::Relaxed);
                let mut out = vec![0u8; w * h * 4];
                blend_rgba(transition, &from, &to, w, h, 0.43, &accent, &mut out)
                    .expect("should blend");
                out
            };
            assert!(blend(false) == blend(true), "{transition}");
        }
    }
}
