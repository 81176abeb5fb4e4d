//! The transitions by name.

use std::fmt;
use std::str::FromStr;

/// A shader transition between two scenes. The names are HyperFrames' shader names, plus
/// `crossfade` (HyperFrames' fallback when a transition names no shader).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    Crossfade,
    FlashThroughWhite,
    ChromaticSplit,
    SdfIris,
    Glitch,
    WhipPan,
    CinematicZoom,
    RippleWaves,
    GravitationalLens,
    SwirlVortex,
    DomainWarp,
    RidgedBurn,
    ThermalDistortion,
    CrossWarpMorph,
    LightLeak,
}

impl Transition {
    /// Every transition, in the order the documentation lists them.
    pub const ALL: [Transition; 15] = [
        Transition::Crossfade,
        Transition::FlashThroughWhite,
        Transition::ChromaticSplit,
        Transition::SdfIris,
        Transition::Glitch,
        Transition::WhipPan,
        Transition::CinematicZoom,
        Transition::RippleWaves,
        Transition::GravitationalLens,
        Transition::SwirlVortex,
        Transition::DomainWarp,
        Transition::RidgedBurn,
        Transition::ThermalDistortion,
        Transition::CrossWarpMorph,
        Transition::LightLeak,
    ];

    /// The name a composition uses (`shader: "domain-warp"`, `data-transition="domain-warp"`).
    pub const fn name(self) -> &'static str {
        match self {
            Transition::Crossfade => "crossfade",
            Transition::FlashThroughWhite => "flash-through-white",
            Transition::ChromaticSplit => "chromatic-split",
            Transition::SdfIris => "sdf-iris",
            Transition::Glitch => "glitch",
            Transition::WhipPan => "whip-pan",
            Transition::CinematicZoom => "cinematic-zoom",
            Transition::RippleWaves => "ripple-waves",
            Transition::GravitationalLens => "gravitational-lens",
            Transition::SwirlVortex => "swirl-vortex",
            Transition::DomainWarp => "domain-warp",
            Transition::RidgedBurn => "ridged-burn",
            Transition::ThermalDistortion => "thermal-distortion",
            Transition::CrossWarpMorph => "cross-warp-morph",
            Transition::LightLeak => "light-leak",
        }
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A shader name that is not one of [`Transition::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown shader transition {name:?}; the known ones are: {known}", known = known_names())]
pub struct UnknownTransition {
    pub name: String,
}

fn known_names() -> String {
    Transition::ALL.map(Transition::name).join(", ")
}

impl FromStr for Transition {
    type Err = UnknownTransition;

    fn from_str(name: &str) -> Result<Transition, UnknownTransition> {
        Transition::ALL
            .into_iter()
            .find(|transition| transition.name() == name)
            .ok_or_else(|| UnknownTransition {
                name: name.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::Transition;

    #[test]
    fn every_name_parses_back_to_its_transition() {
        for transition in Transition::ALL {
            assert_eq!(transition.name().parse::<Transition>(), Ok(transition));
            assert_eq!(transition.to_string(), transition.name());
        }
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let error = "domain-wrap".parse::<Transition>().unwrap_err();
        let message = error.to_string();
        assert!(message.contains("\"domain-wrap\""), "{message}");
        for transition in Transition::ALL {
            assert!(message.contains(transition.name()), "{message}");
        }
    }
}
