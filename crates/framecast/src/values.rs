//! Value parsers for flags: every user value is checked here, once, by clap, so that an error
//! names the flag and the value, and the library gets only valid settings.

use std::net::IpAddr;
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

/// Where the preview listens, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenHost {
    /// An address to bind (`127.0.0.1`, `0.0.0.0`, `::1`).
    Address(IpAddr),
    /// A host name: bound where it resolves, and answered in the `Host` check.
    Name(String),
}

/// An IP address (IPv6 with or without brackets) or a host name.
pub fn listen_host(text: &str) -> Result<ListenHost, String> {
    let unbracketed = text
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(text);
    if let Ok(address) = unbracketed.parse::<IpAddr>() {
        return Ok(ListenHost::Address(address));
    }
    let is_name = !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        });
    if is_name {
        Ok(ListenHost::Name(text.to_ascii_lowercase()))
    } else {
        Err(
            "use an IP address such as 127.0.0.1 or 0.0.0.0, or a host name such as studio.local"
                .to_string(),
        )
    }
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

/// A bitrate such as `10M`, `2500k` or `800000`, in bits per second (k and M are 1000 and
/// 1000000, as FFmpeg reads `-b:v`).
pub fn bitrate(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 1_000.0),
        Some((at, 'm' | 'M')) => (&text[..at], 1_000_000.0),
        _ => (text, 1.0),
    };
    match number.parse::<f64>() {
        Ok(value) if value.is_finite() && value * unit >= 10_000.0 && value * unit <= 1e12 => {
            Ok((value * unit).round() as u64)
        }
        _ => Err("use a bitrate of at least 10k, such as 10M, 2500k or 800000".to_string()),
    }
}

/// A `--resolution` value, checked against the composition's size once it is loaded.
pub fn resolution(text: &str) -> Result<framecast_render::Resolution, String> {
    framecast_render::Resolution::parse(text)
}

/// The flag that sets a [`Setting`], for errors the library reports about settings only the
/// composition can judge.
pub fn flag_for(setting: Setting) -> &'static str {
    match setting {
        Setting::Format => "--format (or the output name)",
        Setting::Codec => "--codec",
        Setting::Alpha => "--alpha",
        Setting::Times => "--at",
        Setting::Resolution => "--resolution",
        Setting::RateControl => "--video-bitrate",
        Setting::EncoderOption => "--vp9-cpu-used",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_hosts_are_addresses_or_names() {
        assert_eq!(
            listen_host("0.0.0.0"),
            Ok(ListenHost::Address("0.0.0.0".parse().unwrap()))
        );
        assert_eq!(
            listen_host("[::1]"),
            Ok(ListenHost::Address("::1".parse().unwrap()))
        );
        assert_eq!(
            listen_host("Studio.Local"),
            Ok(ListenHost::Name("studio.local".to_string()))
        );
        for wrong in ["", "evil.com:80", "a..b", "-x.local", "http://x", "a b"] {
            assert!(listen_host(wrong).is_err(), "{wrong}");
        }
    }

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
        assert_eq!(bitrate("10M").unwrap(), 10_000_000);
        assert_eq!(bitrate("2.5m").unwrap(), 2_500_000);
        assert_eq!(bitrate("800k").unwrap(), 800_000);
        assert_eq!(bitrate("64000").unwrap(), 64_000);
        for bad in ["", "M", "fast", "-1M", "5k", "1e20"] {
            assert!(bitrate(bad).is_err(), "{bad}");
        }
        assert_eq!(time("0").unwrap(), 0.0);
        assert!(time("-0.5").is_err() && time("NaN").is_err());
    }
}
