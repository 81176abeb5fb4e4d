//! The binary works wherever it is installed: copied out of the build tree and run with the
//! source checkout hidden (an empty tmpfs mounted over it in a private mount namespace, so not
//! even a path compiled into the binary can reach `node_modules`), it renders the example with
//! its fonts and GSAP, and the frames match the committed golden.

mod support;

use std::path::Path;
use std::process::Command;

use support::{TestDir, assert_success, decode, psnr};

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_installed_binary_renders_the_example_with_the_checkout_hidden() {
    let test = TestDir::new();
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    assert!(checkout.join("node_modules").is_dir(), "scripts/setup ran");
    let binary = test.path("prefix/bin/framecast");
    std::fs::create_dir_all(binary.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_framecast"), &binary).unwrap();
    let example = test.path("example");
    copy_folder(&checkout.join("fixtures/example/src"), &example);
    let output = test.path("example.mp4");
    let tmp = test.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();

    // The test directory is under TMPDIR, never inside the checkout, so it stays visible.
    assert!(!test.dir.path().starts_with(&checkout));
    let script = r#"mount -t tmpfs framecast-hidden "$1" && test ! -e "$1/node_modules" && cd / && exec "$2" render "$3" -o "$4" --workers 2"#;
    let run = Command::new("unshare")
        .args([
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(&checkout)
        .arg(&binary)
        .arg(&example)
        .arg(&output)
        .env("TMPDIR", &tmp)
        .output()
        .expect("unshare (util-linux) should run; this test needs root or CAP_SYS_ADMIN");
    assert_success(&run);

    let rendered = decode(&output);
    let golden = decode(&checkout.join("regression/goldens/example/output.mp4"));
    assert_eq!((rendered.width, rendered.height), (1280, 720));
    assert_eq!(rendered.frames.len(), golden.frames.len());
    for frame in [0, 30, 60, rendered.frames.len() - 1] {
        let quality = psnr(&rendered.frames[frame], &golden.frames[frame]);
        assert!(
            quality >= 40.0,
            "frame {frame}: {quality:.1} dB against the golden"
        );
    }
    assert!(test.settle_and_list_leftovers().is_empty());
}
