//! Value parsers for flags: every user value is checked here, once, by clap, so that an error
//! names the flag and the value, and the library gets only valid settings.

use std::num::NonZeroUsize;
use std::time::Duration;

use framecast_composition::Fps;
use framecast_render::{Setting, WorkerCount};

/// `30`, `29.97` or `30000/1001`.
pub fn fps(text: &str) -> Result<Fps, String> {
    text.parse::<Fps>().map_err(|error| error.to_string())
}

/// A positive number of workers, or `auto`.
pub fn workers(text: &str) -> Result<WorkerCount, String> {
    if text == "auto" {
        return Ok(WorkerCount::Auto);
    }
    text.parse::<NonZeroUsize>()
        .map(WorkerCount::Fixed)
        .map_err(|_| "use a positive number of workers, or auto".to_string())
}

/// A positive, finite number of seconds.
pub fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 => Duration::try_from_secs_f64(seconds)
            .map_err(|_| "use a positive number of seconds".to_string()),
        _ => Err("use a positive number of seconds, such as 30 or 2.5".to_string()),
    }
}

/// A time from the start of the composition, in seconds.
pub fn time(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(time) if time.is_finite() && time >= 0.0 => Ok(time),
        _ => Err("use seconds from 0, such as 1.5".to_string()),
    }
}

/// The flag that sets a [`Setting`], for errors the library reports about settings only the
/// composition can judge.
pub fn flag_for(setting: Setting) -> &'static str {
    match setting {
        Setting::Format => "--format (or the output name)",
        Setting::Codec => "--codec",
        Setting::Alpha => "--alpha",
        Setting::Times => "--at",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_with_a_reason() {
        assert_eq!(fps("30000/1001").unwrap(), Fps::new(30_000, 1001).unwrap());
        assert!(fps("fast").is_err());
        assert_eq!(workers("auto").unwrap(), WorkerCount::Auto);
        assert_eq!(
            workers("3").unwrap(),
            WorkerCount::Fixed(NonZeroUsize::new(3).unwrap())
        );
        assert!(workers("0").is_err() && workers("many").is_err());
        assert_eq!(seconds("2.5").unwrap(), Duration::from_millis(2500));
        for bad in ["0", "-1", "nan", "inf", "1e300", "soon"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(time("0").unwrap(), 0.0);
        assert!(time("-0.5").is_err() && time("NaN").is_err());
    }
}
