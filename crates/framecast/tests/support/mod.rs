//! A tiny harness for running the real `framecast` binary against real Chrome and FFmpeg, each
//! test in its own temporary directory (Chrome's profiles go there too, so leftover processes
//! can be attributed to the test that started them).

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

pub mod preview;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use framecast_media::DecodedVideo;

pub struct TestDir {
    pub dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> Self {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("framecast-test-")
                .tempdir()
                .unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a composition `index.html` into a fresh folder and returns the folder.
    pub fn composition(&self, name: &str, html: &str) -> PathBuf {
        let folder = self.path(name);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("index.html"), html).unwrap();
        folder
    }

    /// Runs `framecast` with `args`, with TMPDIR inside this test's directory.
    pub fn framecast(&self, args: &[&str]) -> Output {
        let tmp = self.path("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        Command::new(env!("CARGO_BIN_EXE_framecast"))
            .args(args)
            .env("TMPDIR", &tmp)
            .output()
            .expect("framecast should run")
    }

    pub fn render(&self, input: &Path, output: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "render",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.framecast(&args)
    }

    /// Processes still running whose command line mentions this test's directory.
    pub fn leftover_processes(&self) -> Vec<String> {
        let marker = self.dir.path().to_string_lossy().into_owned();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            if entry.file_name().to_string_lossy().parse::<u32>().is_err() {
                continue;
            }
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let zombie = stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if !zombie && cmdline.contains(&marker) {
                found.push(cmdline);
            }
        }
        found
    }

    /// Waits briefly for processes to be gone (the kernel finishes killing a group
    /// asynchronously), then returns what is left.
    pub fn settle_and_list_leftovers(&self) -> Vec<String> {
        for _ in 0..50 {
            if self.leftover_processes().is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.leftover_processes()
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
        .join("src")
}

pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "framecast failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn decode(path: &Path) -> DecodedVideo {
    framecast_media::decode_video_rgb(path)
        .unwrap_or_else(|error| panic!("cannot decode {}: {error}", path.display()))
}

/// The RGB triple at (x, y) of a decoded frame.
pub fn pixel(video: &DecodedVideo, frame: usize, x: u32, y: u32) -> [u8; 3] {
    let offset = ((y * video.width + x) * 3) as usize;
    let data = &video.frames[frame];
    [data[offset], data[offset + 1], data[offset + 2]]
}

/// Peak signal-to-noise ratio of two equally long 8-bit buffers, in dB (infinite when equal).
pub fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let squared: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    let mse = squared / a.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    }
}

pub fn near(actual: [u8; 3], expected: [u8; 3], tolerance: u8) -> bool {
    actual
        .iter()
        .zip(expected)
        .all(|(a, e)| a.abs_diff(e) <= tolerance)
}

/// A composition that never gets ready: its lottie animation's data file is missing, so the
/// runtime waits on `lottie #anim` until the readiness timeout.
pub const NEVER_READY: &str = r#"<!doctype html><html><head><script src="lottie.min.js"></script></head><body>
<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="1">
<div id="anim"></div></div>
<script>
  lottie.loadAnimation({ container: document.getElementById("anim"), path: "missing.json", autoplay: false });
</script></body></html>"#;
