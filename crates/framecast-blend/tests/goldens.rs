//! Every transition at progress 0, .25, .5, .75 and 1 against committed golden images
//! (`regression/goldens/transitions/<name>/p050.png`), byte for byte. The blends are pure
//! integer and IEEE arithmetic, so the bytes are the same on every machine.
//!
//! `UPDATE_GOLDENS=1 cargo test -p framecast-blend --test goldens` rewrites the images after
//! an intended change; look at them before committing.

mod scenes;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use framecast_blend::{Accent, Transition, blend_rgba};

const WIDTH: usize = 320;
const HEIGHT: usize = 180;
const PROGRESS: [(f32, &str); 5] = [
    (0.0, "p000"),
    (0.25, "p025"),
    (0.5, "p050"),
    (0.75, "p075"),
    (1.0, "p100"),
];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../regression/goldens/transitions")
}

/// The RGB of an RGBA frame: blends are opaque, so the goldens keep only colour.
fn rgb(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

fn write_png(path: &Path, rgb: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("should have a parent"))
        .expect("should create the golden directory");
    let file = File::create(path).expect("should create the golden");
    let mut encoder = png::Encoder::new(BufWriter::new(file), WIDTH as u32, HEIGHT as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header().expect("should write the PNG header");
    writer.write_image_data(rgb).expect("should write the PNG");
}

fn read_png(path: &Path) -> Option<Vec<u8>> {
    let decoder = png::Decoder::new(File::open(path).ok()?);
    let mut reader = decoder
        .read_info()
        .expect("should read the golden's header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .expect("should decode the golden");
    assert_eq!(
        (info.width, info.height, info.color_type),
        (WIDTH as u32, HEIGHT as u32, png::ColorType::Rgb),
        "{} should be a {WIDTH}x{HEIGHT} RGB PNG",
        path.display()
    );
    buf.truncate(info.buffer_size());
    Some(buf)
}

#[test]
fn transitions_match_their_goldens() {
    let update = std::env::var_os("UPDATE_GOLDENS").is_some_and(|v| v == "1");
    let from = scenes::gradient_with_shapes(WIDTH, HEIGHT);
    let to = scenes::checkerboard_with_bars(WIDTH, HEIGHT);
    let mut out = vec![0u8; WIDTH * HEIGHT * 4];
    let mut failures = Vec::new();
    for transition in Transition::ALL {
        for (progress, stem) in PROGRESS {
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
            let path = golden_dir()
                .join(transition.name())
                .join(format!("{stem}.png"));
            let actual = rgb(&out);
            if update {
                write_png(&path, &actual);
                continue;
            }
            match read_png(&path) {
                None => failures.push(format!("{} is missing", path.display())),
                Some(expected) if expected != actual => {
                    let differing = expected.iter().zip(&actual).filter(|(a, b)| a != b).count();
                    let worst = expected
                        .iter()
                        .zip(&actual)
                        .map(|(&a, &b)| a.abs_diff(b))
                        .max()
                        .unwrap_or(0);
                    failures.push(format!(
                        "{} differs: {differing} channel values, by up to {worst}",
                        path.display()
                    ));
                }
                Some(_) => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "transition goldens differ (after an intended change, rerun with UPDATE_GOLDENS=1 and \
         look at the images):\n{}",
        failures.join("\n")
    );
}
