//! Shader transitions in the frame plan: which frames are blends of two scene captures, with
//! which shader, at which progress. The pixel math is `framecast-blend`'s.

use framecast_blend::{Accent, Transition, frame_bounds, progress_for_frame};
use framecast_browser::PageTransition;
use framecast_composition::Fps;

use crate::RenderError;

/// One transition, resolved to output frames.
#[derive(Debug, Clone)]
pub(crate) struct TransitionWindow {
    /// First and last output frames of the window, inclusive: progress 0 and 1.
    pub first: u64,
    pub last: u64,
    time: f64,
    duration: f64,
    pub transition: Transition,
    pub accent: Accent,
    pub from_scene: String,
    pub to_scene: String,
}

/// A frame inside a transition window: what to capture and how to blend it.
#[derive(Debug, Clone)]
pub(crate) struct TransitionFrame {
    pub transition: Transition,
    pub accent: Accent,
    pub progress: f32,
    pub from_scene: String,
    pub to_scene: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct TransitionPlan {
    windows: Vec<TransitionWindow>,
    fps: f64,
}

impl TransitionPlan {
    /// Resolves the page's transitions; an unknown shader name is an error listing the known
    /// ones, and a transition without both scenes names the one that is missing.
    pub fn from_page(
        transitions: &[PageTransition],
        fps: Fps,
        frame_count: u64,
    ) -> Result<Self, RenderError> {
        let fps_value = fps.as_f64();
        let mut windows = Vec::new();
        for declared in transitions {
            let name = declared.shader.as_deref().unwrap_or("crossfade");
            let transition =
                name.parse::<Transition>()
                    .map_err(|error| RenderError::Transition {
                        at: declared.time,
                        reason: error.to_string(),
                    })?;
            for (role, scene) in [
                ("fromScene", &declared.from_scene),
                ("toScene", &declared.to_scene),
            ] {
                if scene.is_empty() {
                    return Err(RenderError::Transition {
                        at: declared.time,
                        reason: format!("the {name} transition has no {role}"),
                    });
                }
            }
            let accent = match declared.accent.as_deref() {
                Some(color) => Accent::from_color(parse_hex_color(color).ok_or_else(|| {
                    RenderError::Transition {
                        at: declared.time,
                        reason: format!("accent colour {color:?} is not a #rrggbb colour"),
                    }
                })?),
                None => Accent::DEFAULT,
            };
            let (first, last) = frame_bounds(fps_value, declared.time, declared.duration);
            let (first, last) = (first.max(0.0) as u64, last.max(0.0) as u64);
            if first >= frame_count {
                continue;
            }
            windows.push(TransitionWindow {
                first,
                last: last.min(frame_count - 1),
                time: declared.time,
                duration: declared.duration,
                transition,
                accent,
                from_scene: declared.from_scene.clone(),
                to_scene: declared.to_scene.clone(),
            });
        }
        Ok(TransitionPlan {
            windows,
            fps: fps_value,
        })
    }

    /// Builds the progress-independent noise fields of every transition on the pool, so that
    /// the first blend does not pay for them while capture waits on it.
    pub fn prepare_in_background(&self, width: u32, height: u32) {
        for transition in self.windows.iter().map(|window| window.transition) {
            rayon::spawn(move || {
                let _owner = framecast_memory::enter(framecast_memory::Owner::Blend);
                framecast_blend::prepare(transition, width as usize, height as usize)
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// How many frames are blends.
    pub fn frame_count(&self) -> u64 {
        self.windows
            .iter()
            .map(|window| window.last - window.first + 1)
            .sum()
    }

    /// The transition `frame` belongs to, if any (the first declared wins where two overlap).
    pub fn at(&self, frame: u64) -> Option<TransitionFrame> {
        let window = self
            .windows
            .iter()
            .find(|window| (window.first..=window.last).contains(&frame))?;
        Some(TransitionFrame {
            transition: window.transition,
            accent: window.accent,
            progress: progress_for_frame(frame, self.fps, window.time, window.duration),
            from_scene: window.from_scene.clone(),
            to_scene: window.to_scene.clone(),
        })
    }
}

/// `#rgb` or `#rrggbb` to RGB in 0..=1.
fn parse_hex_color(color: &str) -> Option<[f32; 3]> {
    let hex = color.trim().strip_prefix('#')?;
    let channel = |text: &str| {
        u8::from_str_radix(text, 16)
            .ok()
            .map(|value| f32::from(value) / 255.0)
    };
    match hex.len() {
        6 => Some([
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        ]),
        3 => {
            let double = |index: usize| channel(&hex[index..=index].repeat(2));
            Some([double(0)?, double(1)?, double(2)?])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(time: f64, duration: f64, shader: &str) -> PageTransition {
        PageTransition {
            time,
            duration,
            shader: Some(shader.to_string()),
            ease: None,
            from_scene: "a".to_string(),
            to_scene: "b".to_string(),
            accent: Some("#fbbf24".to_string()),
        }
    }

    #[test]
    fn windows_cover_the_bounding_frames_with_linear_progress() {
        let fps = Fps::new(30, 1).unwrap();
        let plan =
            TransitionPlan::from_page(&[declared(2.7, 0.6, "domain-warp")], fps, 270).unwrap();
        assert!(plan.at(80).is_none());
        assert_eq!(plan.at(81).unwrap().progress, 0.0);
        assert_eq!(plan.at(99).unwrap().progress, 1.0);
        assert!(plan.at(100).is_none());
        assert!((plan.at(90).unwrap().progress - 0.5).abs() < 1e-6);
        assert_eq!(plan.frame_count(), 19);
        let accent = plan.at(90).unwrap().accent;
        assert!((accent.base[0] - 251.0 / 255.0).abs() < 1e-6);
    }

    #[test]
    fn unknown_shaders_list_the_known_ones() {
        let fps = Fps::new(30, 1).unwrap();
        let error =
            TransitionPlan::from_page(&[declared(1.0, 0.5, "wobble")], fps, 90).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("wobble") && message.contains("domain-warp"),
            "{message}"
        );
    }
}
