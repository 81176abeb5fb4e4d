//! The transitions, one function each, ported line by line from HyperFrames' fragment
//! shaders. A shader's `v_uv` is the pixel centre in texture coordinates with v = 0 at the top
//! row (HyperFrames' vertex shader flips y and uploads textures unflipped), and
//! `u_resolution` is the frame size.
//!
//! Each port keeps the shader's formulas; what changes is where they are evaluated: values
//! that depend only on the row or the column are computed once per row or column, and values
//! that depend on neither progress nor accent come from the field cache.

mod blur;
mod glitch;
mod noise_warps;
mod simple;
mod waves;

use crate::Transition;
use crate::accent::Accent;
use crate::render::Store;
use crate::sample::Source;

/// What every transition receives: the uniforms of HyperFrames' shaders.
pub(crate) struct Ctx<'a, S> {
    pub from: &'a S,
    pub to: &'a S,
    pub width: usize,
    pub height: usize,
    pub p: f32,
    pub accent: &'a Accent,
    /// `v_uv.x` of each column.
    pub us: Vec<f32>,
}

impl<S: Source> Ctx<'_, S> {
    /// `v_uv.y` of row `y`.
    #[inline(always)]
    pub fn v(&self, y: usize) -> f32 {
        (y as f32 + 0.5) / self.height as f32
    }
}

/// Computes and caches the fields `transition` needs at this size, so that its first frame
/// costs no more than the others.
pub(crate) fn prepare(transition: Transition, width: usize, height: usize) {
    match transition {
        Transition::DomainWarp => drop(noise_warps::domain_warp_field(width, height)),
        Transition::RidgedBurn => drop(noise_warps::ridged_burn_field(width, height)),
        Transition::CrossWarpMorph => drop(noise_warps::cross_warp_morph_field(width, height)),
        Transition::RippleWaves => drop(waves::ripple_waves_field(width, height)),
        Transition::SwirlVortex => drop(waves::swirl_vortex_field(width, height)),
        Transition::ThermalDistortion => {
            drop(waves::thermal_waves_field(width, height));
            drop(waves::thermal_flow_field(width, height));
        }
        _ => {}
    }
}

pub(crate) fn run<S: Source, T: Store>(
    transition: Transition,
    from: &S,
    to: &S,
    p: f32,
    accent: &Accent,
    out: &mut [T],
) {
    let width = from.width();
    let ctx = Ctx {
        from,
        to,
        width,
        height: from.height(),
        p,
        accent,
        us: (0..width)
            .map(|x| (x as f32 + 0.5) / width as f32)
            .collect(),
    };
    match transition {
        Transition::Crossfade => simple::crossfade(&ctx, out),
        Transition::FlashThroughWhite => simple::flash_through_white(&ctx, out),
        Transition::ChromaticSplit => simple::chromatic_split(&ctx, out),
        Transition::SdfIris => simple::sdf_iris(&ctx, out),
        Transition::Glitch => glitch::glitch(&ctx, out),
        Transition::WhipPan => blur::whip_pan(&ctx, out),
        Transition::CinematicZoom => blur::cinematic_zoom(&ctx, out),
        Transition::RippleWaves => waves::ripple_waves(&ctx, out),
        Transition::GravitationalLens => simple::gravitational_lens(&ctx, out),
        Transition::SwirlVortex => waves::swirl_vortex(&ctx, out),
        Transition::DomainWarp => noise_warps::domain_warp(&ctx, out),
        Transition::RidgedBurn => noise_warps::ridged_burn(&ctx, out),
        Transition::ThermalDistortion => waves::thermal_distortion(&ctx, out),
        Transition::CrossWarpMorph => noise_warps::cross_warp_morph(&ctx, out),
        Transition::LightLeak => simple::light_leak(&ctx, out),
    }
}
