//! `framecast doctor` through the binary: it passes on this machine (Chrome captures a real
//! frame, FFmpeg has every encoder), prints JSON on request, and fails naming the problem and its
//! fix when --chrome points to a missing file.

mod support;

use support::TestDir;

#[test]
fn doctor_passes_here_with_a_real_capture() {
    let test = TestDir::new();
    let output = test.framecast(&["doctor"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    for expected in [
        "ok       chrome: /usr/lib/chromium/chromium-headless-shell (",
        "ok       capture: a 64×36 frame captured with BeginFrame",
        "ok       encoder libx264:",
        "ok       encoder aac:",
        "ok       fonts:",
        "cores:",
        "doctor: this machine can render",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in:\n{stdout}");
    }
    assert!(test.settle_and_list_leftovers().is_empty());

    let output = test.framecast(&["doctor", "--json"]);
    assert!(output.status.success());
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("--json should print JSON");
    assert_eq!(report["can_render"], true);
    let checks = report["checks"]
        .as_array()
        .expect("checks should be a list");
    for name in [
        "chrome",
        "capture",
        "ffmpeg libraries",
        "encoder libx265",
        "encoder libvpx-vp9",
        "encoder prores_ks",
        "encoder libopus",
        "memory",
        "temporary directory",
        "cache directory",
        "/dev/shm",
        "cores",
    ] {
        assert!(
            checks.iter().any(|check| check["name"] == name),
            "no {name} check in {report}"
        );
    }
}

#[test]
fn a_missing_chrome_fails_with_its_fix() {
    let test = TestDir::new();
    let missing = test.path("no-chrome");
    let output = test.framecast(&["doctor", "--chrome", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "failed   chrome: {} does not exist",
            missing.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("fix: sudo apt-get install chromium-headless-shell"),
        "{stdout}"
    );
    assert!(
        stdout.contains("doctor: a render cannot run here"),
        "{stdout}"
    );
}
