use std::fmt;
use std::str::FromStr;

use crate::CompositionError;

/// An exact frame rate `num / den` frames per second, kept as a reduced ratio so that frame times
/// are exact (29.97 is 30000/1001, not a float approximation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fps {
    pub num: u32,
    pub den: u32,
}

impl Fps {
    /// The highest frame rate accepted, in frames per second.
    pub const MAX_PER_SECOND: u32 = 1000;

    /// Builds a reduced ratio; `None` when either part is zero or the rate is outside
    /// 1/1000 to 1000 frames per second. Decimals are read to the millisecond, so this is the
    /// range a decimal can express; ratios get the same range so that `1000000000/1` is refused
    /// like `1e9` rather than planning billions of frames a second.
    pub fn new(num: u32, den: u32) -> Option<Self> {
        let max = u64::from(Self::MAX_PER_SECOND);
        let (wide_num, wide_den) = (u64::from(num), u64::from(den));
        if num == 0 || den == 0 || wide_num > max * wide_den || wide_num * max < wide_den {
            return None;
        }
        let divisor = gcd(num, den);
        Some(Fps {
            num: num / divisor,
            den: den / divisor,
        })
    }

    /// Frames per second as a float, for display and duration arithmetic.
    pub fn as_f64(self) -> f64 {
        f64::from(self.num) / f64::from(self.den)
    }

    /// The exact presentation time of frame `index`, `index * den / num` seconds.
    pub fn frame_time(self, index: u64) -> f64 {
        // Multiplying first keeps integer frame times exact (frame 30 at 30 fps is 1.0, not
        // 0.99999...), which matters for clip boundaries that fall on whole seconds.
        (index as f64 * f64::from(self.den)) / f64::from(self.num)
    }
}

impl fmt::Display for Fps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

impl FromStr for Fps {
    type Err = CompositionError;

    /// Accepts `30`, `30000/1001`, and decimals; the NTSC decimals (23.976, 29.97, 47.952, 59.94,
    /// 119.88) map to their exact `/1001` ratios, as every video tool does.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || CompositionError::BadFps {
            value: text.to_string(),
        };
        let text = text.trim();
        if let Some((num, den)) = text.split_once('/') {
            let num = num.trim().parse::<u32>().map_err(|_| bad())?;
            let den = den.trim().parse::<u32>().map_err(|_| bad())?;
            return Fps::new(num, den).ok_or_else(bad);
        }
        let value = text.parse::<f64>().map_err(|_| bad())?;
        if !value.is_finite() || value <= 0.0 || value > f64::from(Self::MAX_PER_SECOND) {
            return Err(bad());
        }
        for ntsc in [24_000u32, 30_000, 48_000, 60_000, 120_000] {
            let exact = f64::from(ntsc) / 1001.0;
            if (value - exact).abs() < 0.01 && (value - f64::from(ntsc / 1000)).abs() > 0.01 {
                return Fps::new(ntsc, 1001).ok_or_else(bad);
            }
        }
        let millis = (value * 1000.0).round();
        Fps::new(millis as u32, 1000).ok_or_else(bad)
    }
}

/// The number of frames in `duration_secs` at `fps`: the nearest integer when the product is
/// within 1e-3 of one (so 5 s at 29.97 is 150 frames, not 150 plus a sliver), otherwise rounded
/// up so the last partial frame is still shown. A positive duration has at least one frame; a
/// duration that is NaN, zero or negative has none.
pub fn frame_count(duration_secs: f64, fps: Fps) -> u64 {
    if duration_secs.is_nan() || duration_secs <= 0.0 {
        return 0;
    }
    let exact = duration_secs * fps.as_f64();
    let nearest = exact.round();
    let count = if (exact - nearest).abs() < 1e-3 {
        nearest
    } else {
        exact.ceil()
    };
    // Rounding to the nearest frame must not round a duration shorter than 1e-3 of a frame away
    // to nothing: the root's duration was accepted as positive, so something is rendered.
    (count as u64).max(1)
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_integers_ratios_and_ntsc_decimals() {
        assert_eq!("30".parse::<Fps>().unwrap(), Fps { num: 30, den: 1 });
        assert_eq!(
            "30000/1001".parse::<Fps>().unwrap(),
            Fps {
                num: 30000,
                den: 1001
            }
        );
        assert_eq!(
            "29.97".parse::<Fps>().unwrap(),
            Fps {
                num: 30000,
                den: 1001
            }
        );
        assert_eq!(
            "23.976".parse::<Fps>().unwrap(),
            Fps {
                num: 24000,
                den: 1001
            }
        );
        assert_eq!("12.5".parse::<Fps>().unwrap(), Fps { num: 25, den: 2 });
        assert_eq!("60/2".parse::<Fps>().unwrap(), Fps { num: 30, den: 1 });
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["0", "-1", "abc", "30/0", "0/1", "", "inf", "1e9"] {
            assert!(bad.parse::<Fps>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn ratios_are_held_to_the_range_decimals_have() {
        for bad in [
            "1000000000/1",
            "4294967295/1",
            "1001/1",
            "1/4294967295",
            "1/1001",
        ] {
            assert!(bad.parse::<Fps>().is_err(), "{bad} should be rejected");
        }
        assert_eq!("1000/1".parse::<Fps>().unwrap(), Fps { num: 1000, den: 1 });
        assert_eq!("1/1000".parse::<Fps>().unwrap(), Fps { num: 1, den: 1000 });
        assert_eq!("0.001".parse::<Fps>().unwrap(), Fps { num: 1, den: 1000 });
        assert_eq!(
            "4294967295/4294967295".parse::<Fps>().unwrap(),
            Fps { num: 1, den: 1 }
        );
        assert!("0.0004".parse::<Fps>().is_err());
    }

    #[test]
    fn frame_times_are_exact() {
        let fps = Fps::new(30, 1).unwrap();
        assert_eq!(fps.frame_time(0), 0.0);
        assert_eq!(fps.frame_time(30), 1.0);
        assert_eq!(fps.frame_time(45), 1.5);
        let ntsc = Fps::new(30000, 1001).unwrap();
        assert_eq!(ntsc.frame_time(30000), 1001.0);
    }

    #[test]
    fn frame_count_rounds_near_integers_and_ceils_otherwise() {
        let fps30 = Fps::new(30, 1).unwrap();
        assert_eq!(frame_count(5.0, fps30), 150);
        assert_eq!(frame_count(2.0, fps30), 60);
        assert_eq!(frame_count(1.01, fps30), 31);
        assert_eq!(frame_count(0.0334, fps30), 2);
        let ntsc = Fps::new(30000, 1001).unwrap();
        // 5 s at 29.97 is 149.85 frames: not near an integer, so the partial frame is kept.
        assert_eq!(frame_count(5.0, ntsc), 150);
        assert_eq!(frame_count(1001.0 / 30000.0 * 90.0, ntsc), 90);
    }

    #[test]
    fn a_positive_duration_has_a_frame_and_others_have_none() {
        let fps30 = Fps::new(30, 1).unwrap();
        assert_eq!(frame_count(1e-5, fps30), 1);
        assert_eq!(frame_count(f64::MIN_POSITIVE, fps30), 1);
        assert_eq!(frame_count(0.0, fps30), 0);
        assert_eq!(frame_count(-0.0, fps30), 0);
        assert_eq!(frame_count(-5.0, fps30), 0);
        assert_eq!(frame_count(f64::NAN, fps30), 0);
    }
}
