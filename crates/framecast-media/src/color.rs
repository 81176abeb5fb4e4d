//! Colour-matrix constants and the fixed-point coefficients derived from them.
//!
//! Every coefficient here is derived in code from the standard luma weights (BT.601 and BT.709)
//! and range scales, so the numbers can be checked against the specs rather than trusted. The
//! floating-point derivation runs once per call on a handful of values; the pixel loops only
//! see integers, so the same input gives the same bytes on every machine.

/// Fractional bits of the fixed-point coefficients.
pub(crate) const FRAC_BITS: u32 = 16;

const FIXED_ONE: f64 = (1 << FRAC_BITS) as f64;

/// Limited ("TV", "MPEG") range: luma spans 16..=235, chroma 16..=240 around 128.
const LIMITED_LUMA_SCALE: f64 = 219.0;
const LIMITED_CHROMA_SCALE: f64 = 224.0;
/// Full ("PC", "JPEG") range spans 0..=255 for luma and chroma.
const FULL_SCALE: f64 = 255.0;

/// The luma weights that define a Y'CbCr matrix; the green weight is `1 - kr - kb`.
#[derive(Clone, Copy)]
struct LumaWeights {
    kr: f64,
    kb: f64,
}

const BT601: LumaWeights = LumaWeights {
    kr: 0.299,
    kb: 0.114,
};
const BT709: LumaWeights = LumaWeights {
    kr: 0.2126,
    kb: 0.0722,
};

type Matrix3 = [[f64; 3]; 3];

/// R'G'B' in 0..=1 to (Y', Pb, Pr) with Y' in 0..=1 and Pb, Pr in -0.5..=0.5.
fn rgb_to_ypbpr(k: LumaWeights) -> Matrix3 {
    let kg = 1.0 - k.kr - k.kb;
    let cb = 2.0 * (1.0 - k.kb);
    let cr = 2.0 * (1.0 - k.kr);
    [
        [k.kr, kg, k.kb],
        [-k.kr / cb, -kg / cb, 0.5],
        [0.5, -kg / cr, -k.kb / cr],
    ]
}

/// The inverse of [`rgb_to_ypbpr`], written out from the definitions
/// `B' = Y' + 2(1 - kb) Pb`, `R' = Y' + 2(1 - kr) Pr` and `Y' = kr R' + kg G' + kb B'`.
fn ypbpr_to_rgb(k: LumaWeights) -> Matrix3 {
    let kg = 1.0 - k.kr - k.kb;
    let cb = 2.0 * (1.0 - k.kb);
    let cr = 2.0 * (1.0 - k.kr);
    [
        [1.0, 0.0, cr],
        [1.0, -k.kb * cb / kg, -k.kr * cr / kg],
        [1.0, cb, 0.0],
    ]
}

fn multiply(a: &Matrix3, b: &Matrix3) -> Matrix3 {
    let mut product = [[0.0; 3]; 3];
    for (row, a_row) in product.iter_mut().zip(a) {
        for (col, cell) in row.iter_mut().enumerate() {
            *cell = (0..3).map(|i| a_row[i] * b[i][col]).sum();
        }
    }
    product
}

fn to_fixed(value: f64) -> i32 {
    (value * FIXED_ONE).round() as i32
}

/// Rounds three coefficients to fixed point, then corrects the middle one so that the fixed-point
/// sum equals `target_sum` exactly. That keeps greys grey: white maps to exactly 235 and a grey
/// pixel to chroma exactly 128, however the individual roundings fell.
fn to_fixed_balanced(row: [f64; 3], target_sum: f64) -> [i32; 3] {
    let first = to_fixed(row[0]);
    let last = to_fixed(row[2]);
    [first, to_fixed(target_sum) - first - last, last]
}

/// Fixed-point R'G'B' (0..=255) to limited-range BT.709 Y'CbCr, each row scaled by
/// `1 << FRAC_BITS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RgbToYuv {
    pub y: [i32; 3],
    pub u: [i32; 3],
    pub v: [i32; 3],
}

pub(crate) fn rgb_to_bt709_limited() -> RgbToYuv {
    let m = rgb_to_ypbpr(BT709);
    let scale_row = |row: [f64; 3], scale: f64| row.map(|c| c * scale / FULL_SCALE);
    let luma_scale = LIMITED_LUMA_SCALE / FULL_SCALE;
    RgbToYuv {
        y: to_fixed_balanced(scale_row(m[0], LIMITED_LUMA_SCALE), luma_scale),
        u: to_fixed_balanced(scale_row(m[1], LIMITED_CHROMA_SCALE), 0.0),
        v: to_fixed_balanced(scale_row(m[2], LIMITED_CHROMA_SCALE), 0.0),
    }
}

/// Fixed-point map from full-range BT.601 Y'CbCr (what JFIF JPEGs hold) to limited-range BT.709
/// Y'CbCr, with chroma inputs taken relative to 128.
///
/// Both matrices encode the same R'G'B', so luma cancels out of the chroma rows: output chroma
/// depends on input chroma only, and output luma is input luma plus a chroma correction. The
/// 4:2:0 fast path relies on this to work on the subsampled planes directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JfifToBt709 {
    pub y_from_y: i32,
    pub y_from_cb: i32,
    pub y_from_cr: i32,
    pub u_from_cb: i32,
    pub u_from_cr: i32,
    pub v_from_cb: i32,
    pub v_from_cr: i32,
}

pub(crate) fn jfif_to_bt709_limited() -> JfifToBt709 {
    // Full-range inputs are Y' = 255 y and Cb = 128 + 255 pb, so one 1/255 covers every column.
    let m = multiply(&rgb_to_ypbpr(BT709), &ypbpr_to_rgb(BT601));
    debug_assert!(
        m[1][0].abs() < 1e-12 && m[2][0].abs() < 1e-12,
        "chroma must not depend on luma when only the matrix changes"
    );
    let luma = |c: f64| to_fixed(c * LIMITED_LUMA_SCALE / FULL_SCALE);
    let chroma = |c: f64| to_fixed(c * LIMITED_CHROMA_SCALE / FULL_SCALE);
    JfifToBt709 {
        y_from_y: luma(m[0][0]),
        y_from_cb: luma(m[0][1]),
        y_from_cr: luma(m[0][2]),
        u_from_cb: chroma(m[1][1]),
        u_from_cr: chroma(m[1][2]),
        v_from_cb: chroma(m[2][1]),
        v_from_cr: chroma(m[2][2]),
    }
}

/// Clamps a value to the byte range.
#[inline(always)]
pub(crate) fn clamp_u8(value: i32) -> u8 {
    value.clamp(0, 255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ypbpr_matrices_are_inverses() {
        for k in [BT601, BT709] {
            let identity = multiply(&rgb_to_ypbpr(k), &ypbpr_to_rgb(k));
            for (i, row) in identity.iter().enumerate() {
                for (j, &cell) in row.iter().enumerate() {
                    let expected = if i == j { 1.0 } else { 0.0 };
                    assert!((cell - expected).abs() < 1e-12, "[{i}][{j}] = {cell}");
                }
            }
        }
    }

    #[test]
    fn rgb_coefficients_keep_greys_neutral() {
        let c = rgb_to_bt709_limited();
        assert_eq!(c.u.iter().sum::<i32>(), 0);
        assert_eq!(c.v.iter().sum::<i32>(), 0);
        assert_eq!(c.y.iter().sum::<i32>(), to_fixed(219.0 / 255.0));
    }

    #[test]
    fn jfif_luma_passes_through_scaled() {
        let c = jfif_to_bt709_limited();
        assert_eq!(c.y_from_y, to_fixed(219.0 / 255.0));
        // BT.709 luma puts less weight on red and blue than BT.601 does, so a pure chroma
        // offset lowers luma.
        assert!(c.y_from_cb < 0 && c.y_from_cr < 0);
    }
}
