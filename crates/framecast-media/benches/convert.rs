//! Timings of the per-frame pixel work at 1080p: `cargo bench -p framecast-media`.
//!
//! Prints figures and asserts nothing about them; timings belong in reports, not in tests.

use std::hint::black_box;
use std::time::{Duration, Instant};

use framecast_media::{Yuv420Frame, decode_jpeg_to_yuv420, rgba_to_yuv420};
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

const WIDTH: u32 = 1920;
const HEIGHT: u32 = 1080;
const RUNS: usize = 60;

/// Something like a rendered page: gradients, flat panels and some fine detail.
fn page_like_rgba() -> Vec<u8> {
    let mut rgba = Vec::with_capacity((WIDTH * HEIGHT * 4) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let pixel = if (200..600).contains(&y) && (300..1500).contains(&x) {
                [250, 250, 245, 255]
            } else if y % 40 < 2 && x % 7 < 4 {
                [20, 20, 30, 255]
            } else {
                [(x * 255 / WIDTH) as u8, (y * 255 / HEIGHT) as u8, 160, 255]
            };
            rgba.extend_from_slice(&pixel);
        }
    }
    rgba
}

fn jpeg(rgba: &[u8], subsamp: Subsamp) -> Vec<u8> {
    let mut compressor = Compressor::new().expect("should create a compressor");
    compressor.set_quality(80).expect("should set quality");
    compressor
        .set_subsamp(subsamp)
        .expect("should set subsampling");
    let image = Image {
        pixels: rgba,
        width: WIDTH as usize,
        pitch: WIDTH as usize * 4,
        height: HEIGHT as usize,
        format: PixelFormat::RGBA,
    };
    compressor.compress_to_vec(image).expect("should compress")
}

fn time(name: &str, mut run: impl FnMut()) {
    run();
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<44} median {:6.2} ms   min {:6.2} ms   ({RUNS} runs, {} rayon threads)",
        ms(samples[RUNS / 2]),
        ms(samples[0]),
        rayon::current_num_threads()
    );
}

fn main() {
    let rgba = page_like_rgba();
    let mut frame = Yuv420Frame::new(WIDTH, HEIGHT);

    time("rgba_to_yuv420 1920x1080", || {
        rgba_to_yuv420(black_box(&rgba), WIDTH, HEIGHT, &mut frame);
    });
    // The libjpeg-turbo share of the fast path, for comparison with the full call below.
    let data = jpeg(&rgba, Subsamp::Sub2x2);
    let mut decompressor = turbojpeg::Decompressor::new().expect("should create a decompressor");
    time("(turbojpeg decompress_to_yuv alone, 4:2:0)", || {
        let planes = turbojpeg::YuvImage {
            pixels: frame.data.as_mut_slice(),
            width: WIDTH as usize,
            align: 1,
            height: HEIGHT as usize,
            subsamp: Subsamp::Sub2x2,
        };
        decompressor
            .decompress_to_yuv(black_box(&data), planes)
            .expect("should decode");
    });
    for (label, subsamp) in [
        ("4:2:0 fast path", Subsamp::Sub2x2),
        ("4:4:4 via RGB", Subsamp::None),
    ] {
        let data = jpeg(&rgba, subsamp);
        time(
            &format!("decode_jpeg_to_yuv420 1920x1080 q80 {label}"),
            || {
                decode_jpeg_to_yuv420(black_box(&data), WIDTH, HEIGHT, &mut frame)
                    .expect("should decode");
            },
        );
    }
}
