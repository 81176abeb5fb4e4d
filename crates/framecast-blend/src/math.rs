//! GLSL's built-in functions, with GLSL's definitions, so the ports read like the shaders.

#[inline(always)]
pub(crate) fn mix(a: f32, b: f32, t: f32) -> f32 {
    a * (1.0 - t) + b * t
}

#[inline(always)]
pub(crate) fn clamp01(x: f32) -> f32 {
    x.clamp(0.0, 1.0)
}

#[inline(always)]
pub(crate) fn fract(x: f32) -> f32 {
    x - floor(x)
}

/// `f32::floor` without its library call: on the baseline x86-64 target `floorf` is not an
/// instruction, and a call per noise octave dominated the noise transitions. Exact for every
/// finite input (beyond 2^23 every `f32` is already an integer).
#[inline(always)]
pub(crate) fn floor(x: f32) -> f32 {
    // Selects rather than an early return, so that loops using it vectorise.
    let t = x as i32 as f32;
    let floored = if t > x { t - 1.0 } else { t };
    if x.abs() < 8_388_608.0 { floored } else { x }
}

#[inline(always)]
pub(crate) fn step(edge: f32, x: f32) -> f32 {
    if x < edge { 0.0 } else { 1.0 }
}

/// GLSL's smoothstep, including the reversed-edge form (`smoothstep(.1, 0., x)`) that the
/// shaders rely on: the formula is used as is.
#[inline(always)]
pub(crate) fn smoothstep(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = clamp01((x - edge0) / (edge1 - edge0));
    t * t * (3.0 - 2.0 * t)
}

#[inline(always)]
pub(crate) fn length(x: f32, y: f32) -> f32 {
    (x * x + y * y).sqrt()
}

/// Rounds |x| < 2^22 to the nearest integer (ties to even), returning it as a float and as an
/// integer. Adding and subtracting 1.5 * 2^23 makes the FPU round; the integer is in the low
/// bits of the sum. Unlike `as i32` (a saturating conversion that does not vectorise on
/// x86-64), this is plain arithmetic and bit casts.
#[inline(always)]
pub(crate) fn round_small(x: f32) -> (f32, i32) {
    const MAGIC: f32 = 12_582_912.0;
    let t = x + MAGIC;
    (t - MAGIC, t.to_bits() as i32 - MAGIC.to_bits() as i32)
}

/// `e^x` from basic IEEE operations only (a Cody-Waite reduction and a degree-7 polynomial,
/// within 3 ulp of the true value), so it is the same on every machine like `libm::expf`,
/// but branch-free: loops over a row that use it vectorise, where a `libm` call per pixel
/// cost `ripple-waves` and `sdf-iris` most of their time. Inputs are clamped to -87..88.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    let (k, ki) = round_small(x * LOG2E);
    let r = x - k * LN2_HI - k * LN2_LO;
    let tail = 1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)));
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * tail)));
    p * f32::from_bits(((ki + 127) << 23) as u32)
}

/// `(sin x, cos x)` from basic IEEE operations only (reduction by pi/2 in three parts, then
/// Taylor polynomials on -pi/4..pi/4; absolute error below 1e-6 for |x| < 1000), branch-free
/// for the same reason as [`exp`].
#[inline(always)]
pub(crate) fn sincos(x: f32) -> (f32, f32) {
    const TWO_OVER_PI: f32 = std::f32::consts::FRAC_2_PI;
    const PIO2_1: f32 = 1.570_312_5;
    const PIO2_2: f32 = 4.837_513e-4;
    const PIO2_3: f32 = 7.549_79e-8;
    let (k, quadrant) = round_small((x * TWO_OVER_PI).clamp(-1e6, 1e6));
    let r = x - k * PIO2_1 - k * PIO2_2 - k * PIO2_3;
    let r2 = r * r;
    // The next terms are below 3.2e-7 (sine) and 2.5e-8 (cosine) on -pi/4..pi/4.
    let s = r + r * r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0)));
    let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0))));
    // Quadrant q: (s, c), (c, -s), (-s, -c), (-c, s); the signs flipped on the bits, which
    // takes fewer vector instructions than selecting negated values.
    let quadrant = quadrant as u32;
    let (sin, cos) = if quadrant & 1 == 0 { (s, c) } else { (c, s) };
    let sin = f32::from_bits(sin.to_bits() ^ (quadrant & 2) << 30);
    let cos = f32::from_bits(cos.to_bits() ^ (quadrant.wrapping_add(1) & 2) << 30);
    (sin, cos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_matches_std() {
        for x in [
            -3.5f32,
            -3.0,
            -0.25,
            -0.0,
            0.0,
            0.25,
            2.999_999_8,
            1e9,
            -1e9,
            8_388_609.0,
        ] {
            assert_eq!(floor(x), libm::floorf(x), "{x}");
        }
    }

    #[test]
    fn exp_is_within_three_ulp_of_libm() {
        for i in -4000..4000 {
            let x = i as f32 * 0.02;
            let (ours, libm) = (exp(x), libm::expf(x));
            assert!(
                (ours - libm).abs() <= libm * 3.6e-7,
                "exp({x}) = {ours}, libm {libm}"
            );
        }
    }

    #[test]
    fn sincos_is_within_1e6_of_libm() {
        for i in -20000..20000 {
            let x = i as f32 * 0.0137;
            let (s, c) = sincos(x);
            let (ls, lc) = libm::sincosf(x);
            assert!(
                (s - ls).abs() < 1e-6 && (c - lc).abs() < 1e-6,
                "sincos({x}) = {s} {c}, libm {ls} {lc}"
            );
        }
    }
}
