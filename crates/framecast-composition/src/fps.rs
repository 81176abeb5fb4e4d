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
    /// Builds a reduced ratio; `None` when either part is zero.
    pub fn new(num: u32, den: u32) -> Option<Self> {
        if num == 0 || den == 0 {
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
        if !value.is_finite() || value <= 0.0 || value > 1000.0 {
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
/// up so the last partial frame is still shown.
pub fn frame_count(duration_secs: f64, fps: Fps) -> u64 {
    let exact = duration_secs * fps.as_f64();
    let nearest = exact.round();
    if (exact - nearest).abs() < 1e-3 {
        nearest as u64
    } else {
        exact.ceil() as u64
    }
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
}
