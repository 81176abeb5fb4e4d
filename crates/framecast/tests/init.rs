//! `framecast init` through the binary: every example at every size lints clean and renders (the
//! video has the size, the frame count and motion), and an existing folder that is not empty is
//! refused with its files untouched.

mod support;

use support::TestDir;

const EXAMPLES: &[(&str, f64)] = &[
    ("title", 4.0),
    ("scenes", 6.0),
    ("captions", 5.0),
    ("shader", 4.0),
];
const SIZES: &[(&str, u32, u32)] = &[
    ("1920x1080", 1920, 1080),
    ("1080x1920", 1080, 1920),
    ("1080x1080", 1080, 1080),
];

/// Frames per second for these renders: enough frames to see motion and the transition, few
/// enough to render twelve 1080p projects quickly.
const FPS: u32 = 4;

#[test]
fn every_example_and_size_lints_clean_and_renders() {
    let test = TestDir::new();
    for &(example, seconds) in EXAMPLES {
        for &(size, width, height) in SIZES {
            let project = test.path(&format!("{example}-{size}"));
            let project_arg = project.to_str().unwrap();
            let created =
                test.framecast(&["init", project_arg, "--example", example, "--size", size]);
            support::assert_success(&created);
            for file in ["index.html", "README.md", ".gitignore"] {
                assert!(project.join(file).is_file(), "{example} {size}: no {file}");
            }
            let html = std::fs::read_to_string(project.join("index.html")).unwrap();
            assert!(
                html.contains("https://cdn.jsdelivr.net/npm/gsap@"),
                "{example}"
            );
            assert!(html.contains(&format!("data-width=\"{width}\" data-height=\"{height}\"")));

            let lint = test.framecast(&["lint", project_arg]);
            let report = String::from_utf8_lossy(&lint.stdout);
            assert!(
                lint.status.success() && report.starts_with("lint: clean"),
                "{example} {size}:\n{report}"
            );

            let output = test.path(&format!("{example}-{size}.mp4"));
            let fps = FPS.to_string();
            let rendered = test.render(&project, &output, &["--fps", &fps, "--quality", "draft"]);
            support::assert_success(&rendered);
            let video = support::decode(&output);
            assert_eq!(
                (video.width, video.height),
                (width, height),
                "{example} {size}"
            );
            assert_eq!(
                video.frames.len(),
                (seconds * f64::from(FPS)) as usize,
                "{example} {size}"
            );
            let first = &video.frames[0];
            let moved = video.frames.iter().any(|frame| frame != first);
            assert!(moved, "{example} {size}: every frame is the same");
        }
    }
    assert!(test.settle_and_list_leftovers().is_empty());
}

#[test]
fn init_never_writes_into_a_folder_that_is_not_empty() {
    let test = TestDir::new();
    let project = test.path("mine");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("index.html"), "my own work").unwrap();
    let refused = test.framecast(&["init", project.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("already exists and is not empty"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("index.html")).unwrap(),
        "my own work"
    );
    assert!(!project.join("README.md").exists());

    let file = test.path("a-file");
    std::fs::write(&file, "keep").unwrap();
    let refused = test.framecast(&["init", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");

    let empty = test.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    support::assert_success(&test.framecast(&[
        "init",
        empty.to_str().unwrap(),
        "--example",
        "scenes",
    ]));
    assert!(empty.join("index.html").is_file());
}
