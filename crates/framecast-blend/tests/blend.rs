//! Properties every transition must have, whatever the golden images show: exact endpoints,
//! determinism across runs and thread counts, the 16-bit path agreeing with the 8-bit one,
//! and errors for bad arguments.

mod scenes;

use framecast_blend::{Accent, BlendError, Transition, blend_rgb16, blend_rgba, prepare};

const WIDTH: usize = 320;
const HEIGHT: usize = 180;

fn blend(transition: Transition, width: usize, height: usize, progress: f32) -> Vec<u8> {
    let from = scenes::gradient_with_shapes(width, height);
    let to = scenes::checkerboard_with_bars(width, height);
    let mut out = vec![0u8; width * height * 4];
    blend_rgba(
        transition,
        &from,
        &to,
        width,
        height,
        progress,
        &Accent::DEFAULT,
        &mut out,
    )
    .expect("should blend");
    out
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("should build a rayon pool")
}

#[test]
fn progress_zero_is_from_and_one_is_to_exactly() {
    let mut from = scenes::gradient_with_shapes(WIDTH, HEIGHT);
    // A translucent corner: endpoints copy alpha too.
    from[3] = 17;
    let to = scenes::checkerboard_with_bars(WIDTH, HEIGHT);
    let mut out = vec![0u8; WIDTH * HEIGHT * 4];
    for transition in Transition::ALL {
        for (progress, expected) in [(0.0, &from), (-0.5, &from), (1.0, &to), (1.5, &to)] {
            blend_rgba(
                transition,
                &from,
                &to,
                WIDTH,
                HEIGHT,
                progress,
                &Accent::DEFAULT,
                &mut out,
            )
            .expect("should blend");
            assert!(&out == expected, "{transition} at {progress}");
        }
    }
}

#[test]
fn mid_transition_frames_differ_from_both_scenes_and_are_opaque() {
    let from = scenes::gradient_with_shapes(WIDTH, HEIGHT);
    let to = scenes::checkerboard_with_bars(WIDTH, HEIGHT);
    for transition in Transition::ALL {
        let out = blend(transition, WIDTH, HEIGHT, 0.5);
        assert!(out != from && out != to, "{transition} at 0.5");
        assert!(out.chunks_exact(4).all(|p| p[3] == 255), "{transition}");
    }
}

#[test]
fn the_same_call_gives_the_same_bytes_on_one_or_two_threads() {
    // An odd size exercises the edges and uneven row splits.
    for (width, height) in [(WIDTH, HEIGHT), (97, 61)] {
        for transition in Transition::ALL {
            for progress in [0.3, 0.5] {
                let one = pool(1).install(|| blend(transition, width, height, progress));
                let two = pool(2).install(|| blend(transition, width, height, progress));
                let again = pool(2).install(|| blend(transition, width, height, progress));
                assert!(one == two, "{transition} at {progress}, {width}x{height}");
                assert!(two == again, "{transition} at {progress}, {width}x{height}");
            }
        }
    }
}

#[test]
fn a_one_pixel_frame_blends() {
    for transition in Transition::ALL {
        let out = blend(transition, 1, 1, 0.5);
        assert_eq!(out[3], 255, "{transition}");
    }
}

#[test]
fn sixteen_bit_frames_blend_like_eight_bit_ones() {
    let from8 = scenes::gradient_with_shapes(WIDTH, HEIGHT);
    let to8 = scenes::checkerboard_with_bars(WIDTH, HEIGHT);
    let widen = |rgba: &[u8]| -> Vec<u16> {
        rgba.chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]].map(|c| c as u16 * 257))
            .collect()
    };
    let (from, to) = (widen(&from8), widen(&to8));
    let mut out = vec![0u16; WIDTH * HEIGHT * 3];
    for transition in Transition::ALL {
        for progress in [0.0, 1.0] {
            blend_rgb16(
                transition,
                &from,
                &to,
                WIDTH,
                HEIGHT,
                progress,
                &Accent::DEFAULT,
                &mut out,
            )
            .expect("should blend");
            assert!(
                out == if progress == 0.0 {
                    from.clone()
                } else {
                    to.clone()
                }
            );
        }
        let out8 = blend(transition, WIDTH, HEIGHT, 0.5);
        blend_rgb16(
            transition,
            &from,
            &to,
            WIDTH,
            HEIGHT,
            0.5,
            &Accent::DEFAULT,
            &mut out,
        )
        .expect("should blend");
        // Same shader, same sample positions, finer quantisation: at most a step or so apart,
        // except where a colour is quantised hard (glitch crushes levels, so a hair's
        // difference can cross a level).
        let close = out
            .iter()
            .zip(out8.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]))
            .filter(|&(&wide, narrow)| (wide as f32 / 257.0 - narrow as f32).abs() <= 1.5)
            .count();
        let share = close as f32 / out.len() as f32;
        assert!(share > 0.97, "{transition}: only {share} of values agree");
    }
}

#[test]
fn accent_colour_changes_the_glow() {
    let from = scenes::gradient_with_shapes(WIDTH, HEIGHT);
    let to = scenes::checkerboard_with_bars(WIDTH, HEIGHT);
    let mut warm = vec![0u8; WIDTH * HEIGHT * 4];
    let mut blue = vec![0u8; WIDTH * HEIGHT * 4];
    let accent = Accent::from_color([0.1, 0.3, 1.0]);
    for transition in [
        Transition::LightLeak,
        Transition::RidgedBurn,
        Transition::SdfIris,
    ] {
        blend_rgba(
            transition,
            &from,
            &to,
            WIDTH,
            HEIGHT,
            0.4,
            &Accent::DEFAULT,
            &mut warm,
        )
        .expect("should blend");
        blend_rgba(
            transition, &from, &to, WIDTH, HEIGHT, 0.4, &accent, &mut blue,
        )
        .expect("should blend");
        let (warm_b, blue_b): (u64, u64) = (
            warm.chunks_exact(4).map(|p| p[2] as u64).sum(),
            blue.chunks_exact(4).map(|p| p[2] as u64).sum(),
        );
        assert!(
            blue_b > warm_b,
            "{transition}: a blue accent should add blue"
        );
    }
}

#[test]
fn wrong_sizes_are_errors() {
    let frame = vec![0u8; 4 * 4 * 4];
    let mut out = vec![0u8; 4 * 4 * 4];
    let short = vec![0u8; 4 * 4 * 4 - 1];
    let accent = Accent::DEFAULT;
    assert_eq!(
        blend_rgba(
            Transition::Crossfade,
            &short,
            &frame,
            4,
            4,
            0.5,
            &accent,
            &mut out
        ),
        Err(BlendError::BufferSize {
            which: "from",
            width: 4,
            height: 4,
            expected: 64,
            actual: 63
        })
    );
    assert_eq!(
        blend_rgba(
            Transition::Crossfade,
            &frame,
            &frame,
            0,
            4,
            0.5,
            &accent,
            &mut out
        ),
        Err(BlendError::EmptyFrame {
            width: 0,
            height: 4
        })
    );
    let huge = vec![0u8; 16385 * 4];
    let mut huge_out = huge.clone();
    assert_eq!(
        blend_rgba(
            Transition::Crossfade,
            &huge,
            &huge,
            16385,
            1,
            0.5,
            &accent,
            &mut huge_out
        ),
        Err(BlendError::TooLarge {
            width: 16385,
            height: 1
        })
    );
    let mut out16 = vec![0u16; 4 * 4 * 3];
    let frame16 = vec![0u16; 4 * 4 * 4];
    assert!(matches!(
        blend_rgb16(
            Transition::Glitch,
            &frame16,
            &frame16,
            4,
            4,
            0.5,
            &accent,
            &mut out16
        ),
        Err(BlendError::BufferSize {
            which: "from",
            expected: 48,
            actual: 64,
            ..
        })
    ));
}

#[test]
fn preparing_changes_no_result() {
    // A size no other test uses, so the fields are computed here.
    let (width, height) = (131, 77);
    for transition in Transition::ALL {
        let cold = blend(transition, width, height, 0.6);
        prepare(transition, width, height);
        assert!(
            blend(transition, width, height, 0.6) == cold,
            "{transition}"
        );
    }
    prepare(Transition::DomainWarp, 0, 0);
}
