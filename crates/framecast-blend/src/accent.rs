//! The accent colours some transitions glow with (`u_accent`, `u_accent_dark`,
//! `u_accent_bright` in HyperFrames' shaders).

/// The three accent colours a transition's shader receives, each RGB in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accent {
    pub base: [f32; 3],
    pub dark: [f32; 3],
    pub bright: [f32; 3],
}

impl Accent {
    /// HyperFrames' colours when a composition sets no `accentColor`: a warm orange. (They are
    /// not what [`Accent::from_color`] derives from the same base colour; HyperFrames
    /// hard-codes them.)
    pub const DEFAULT: Accent = Accent {
        base: [1.0, 0.6, 0.2],
        dark: [0.4, 0.15, 0.0],
        bright: [1.0, 0.85, 0.5],
    };

    /// Derives the dark and bright variants from one colour as HyperFrames does for an
    /// `accentColor`: dark is 35 % of it, bright is `min(1, 1.5 c + 0.2)`.
    pub fn from_color(color: [f32; 3]) -> Accent {
        Accent {
            base: color,
            dark: color.map(|c| c * 0.35),
            bright: color.map(|c| (c * 1.5 + 0.2).min(1.0)),
        }
    }
}

impl Default for Accent {
    fn default() -> Accent {
        Accent::DEFAULT
    }
}

impl From<[f32; 3]> for Accent {
    fn from(color: [f32; 3]) -> Accent {
        Accent::from_color(color)
    }
}
