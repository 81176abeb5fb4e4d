//! The output rule end to end: every path that could lose a user's files is refused before
//! Chrome starts, with the path in the error, and every file that was there is still there,
//! byte for byte. `--overwrite` replaces a previous framecast sequence and nothing else.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use support::{TestDir, assert_success, decode};

/// Two frames at 10 fps: cheap to render.
const COMPOSITION: &str = r#"<!doctype html>
<html><body style="margin:0">
<div id="root" data-composition-id="safe" data-width="64" data-height="36" data-duration="0.2" data-fps="10"
     style="width:64px;height:36px;background:#0a0"></div>
</body></html>"#;

/// Every file under `dir` (relative path → bytes), folders included as empty entries.
fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut tree = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                tree.insert(relative, None);
                pending.push(path);
            } else {
                tree.insert(relative, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    tree
}

/// A folder with files and a sub-folder, as a user's `~/Videos` would be.
fn users_folder(test: &TestDir, name: &str) -> PathBuf {
    let folder = test.path(name);
    std::fs::create_dir_all(folder.join("holiday")).unwrap();
    std::fs::write(folder.join("notes.txt"), b"my notes").unwrap();
    std::fs::write(
        folder.join("holiday/beach.mp4"),
        b"\0\0\0\x20ftypisom-beach",
    )
    .unwrap();
    std::fs::write(folder.join("frame_000000.png"), b"\x89PNG\r\n\x1a\nmine").unwrap();
    folder
}

/// Asserts the render was refused naming `path`, before Chrome could start (a Chrome path
/// that does not exist would otherwise be the error).
fn assert_refused(output: &Output, path: &Path, says: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "should be refused:\n{stderr}");
    assert!(stderr.contains("refusing to write"), "{stderr}");
    let named = path.file_name().unwrap().to_string_lossy();
    assert!(stderr.contains(named.as_ref()), "names {named}: {stderr}");
    assert!(stderr.contains(says), "says {says:?}: {stderr}");
}

/// Renders with a Chrome that does not exist: a refusal must come before Chrome is needed.
fn render_without_chrome(test: &TestDir, input: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["--chrome", "/nonexistent/chrome"];
    args.extend_from_slice(extra);
    test.render(input, output, &args)
}

#[test]
fn an_existing_folder_is_never_replaced_by_a_sequence() {
    let test = TestDir::new();
    let comp = test.composition("comp", COMPOSITION);
    let videos = users_folder(&test, "Videos");
    let before = snapshot_tree(&videos);
    for extra in [&[][..], &["--format", "png-sequence"], &["--overwrite"]] {
        let run = render_without_chrome(&test, &comp, &videos, extra);
        assert_refused(&run, &videos, "not empty");
        assert_eq!(snapshot_tree(&videos), before, "with {extra:?}");
    }
    // Named with a trailing slash, the same.
    let slash = format!("{}/", videos.display());
    let run = render_without_chrome(&test, &comp, Path::new(&slash), &[]);
    assert_refused(&run, &videos, "not empty");
    assert_eq!(snapshot_tree(&videos), before);
}

#[test]
fn the_composition_its_folder_and_its_ancestors_are_refused() {
    let test = TestDir::new();
    let comp = test.composition("comp", COMPOSITION);
    std::fs::write(comp.join("logo.svg"), b"<svg/>").unwrap();
    let before = snapshot_tree(test.dir.path());
    let cases: [(&Path, &[&str], &str); 4] = [
        (&comp, &[], "composition's own folder"),
        (&comp, &["--overwrite"], "composition's own folder"),
        (test.dir.path(), &[], "contains the composition"),
        (
            &comp.join("index.html"),
            &["--format", "mp4"],
            "render reads",
        ),
    ];
    for (target, extra, says) in cases {
        let run = render_without_chrome(&test, &comp, target, extra);
        assert_refused(&run, target, says);
        let mut after = snapshot_tree(test.dir.path());
        after.retain(|path, _| !path.starts_with("tmp"));
        let mut expected = before.clone();
        expected.retain(|path, _| !path.starts_with("tmp"));
        assert_eq!(after, expected, "{} with {extra:?}", target.display());
    }
}

#[test]
fn a_folder_named_like_a_video_or_a_file_of_another_format_is_refused() {
    let test = TestDir::new();
    let comp = test.composition("comp", COMPOSITION);
    let folder = users_folder(&test, "out.mp4");
    let before = snapshot_tree(&folder);
    let run = render_without_chrome(&test, &comp, &folder, &[]);
    assert_refused(&run, &folder, "is a folder");
    assert_eq!(snapshot_tree(&folder), before);

    let notes = test.path("notes.gif");
    std::fs::write(&notes, b"not a gif at all").unwrap();
    let run = render_without_chrome(&test, &comp, &notes, &[]);
    assert_refused(&run, &notes, "not a GIF file");
    assert_eq!(std::fs::read(&notes).unwrap(), b"not a gif at all");

    let file = test.path("frames");
    std::fs::write(&file, b"a file without extension").unwrap();
    let run = render_without_chrome(&test, &comp, &file, &[]);
    assert_refused(&run, &file, "is a file");
    assert_eq!(std::fs::read(&file).unwrap(), b"a file without extension");
}

#[test]
fn a_sequence_is_written_fresh_and_replaced_only_with_overwrite() {
    let test = TestDir::new();
    let comp = test.composition("comp", COMPOSITION);
    let frames = test.path("renders/frames");
    assert_success(&test.render(&comp, &frames, &["--workers", "1"]));
    let mut names: Vec<String> = std::fs::read_dir(&frames)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "frame_000000.png",
            "frame_000001.png",
            framecast_render::SEQUENCE_MANIFEST
        ]
    );
    let still = decode(&frames.join("frame_000001.png"));
    assert_eq!((still.width, still.height), (64, 36));
    let green = &still.frames[0][..3];
    assert!(green[1] > 150 && green[0] < 30, "{green:?}");
    let first = snapshot_tree(&frames);

    let run = render_without_chrome(&test, &comp, &frames, &[]);
    assert_refused(&run, &frames, "--overwrite");
    assert_eq!(snapshot_tree(&frames), first);

    assert_success(&test.render(&comp, &frames, &["--workers", "1", "--overwrite"]));
    assert_eq!(snapshot_tree(&frames), first, "the same frames again");
    let siblings = std::fs::read_dir(test.path("renders")).unwrap().count();
    assert_eq!(
        siblings, 1,
        "no temporary or previous folder left beside it"
    );

    // A file the user added makes it not framecast's any more.
    std::fs::write(frames.join("keep.txt"), b"mine").unwrap();
    let with_mine = snapshot_tree(&frames);
    let run = render_without_chrome(&test, &comp, &frames, &["--overwrite"]);
    assert_refused(&run, &frames, "keep.txt");
    assert_eq!(snapshot_tree(&frames), with_mine);
}

#[test]
fn a_video_replaces_a_video_atomically_and_a_failed_render_leaves_nothing() {
    let test = TestDir::new();
    let comp = test.composition("comp", COMPOSITION);
    let video = test.path("renders/out.mp4");
    assert_success(&test.render(&comp, &video, &["--workers", "1"]));
    assert_eq!(decode(&video).frames.len(), 2);
    assert_success(&test.render(&comp, &video, &["--workers", "1"]));
    assert_eq!(decode(&video).frames.len(), 2);
    assert_eq!(std::fs::read_dir(test.path("renders")).unwrap().count(), 1);

    // A render that fails after the checks (no Chrome) leaves neither a file nor the folders
    // it created for it.
    let nowhere = test.path("new/deeper/out.mp4");
    let run = render_without_chrome(&test, &comp, &nowhere, &[]);
    assert!(!run.status.success());
    assert!(!test.path("new").exists());
}

#[test]
fn snapshot_writes_new_stills_and_replaces_only_pngs() {
    let test = TestDir::new();
    let comp = test.composition("comp", COMPOSITION);
    let stills = test.path("stills");
    std::fs::create_dir(&stills).unwrap();
    std::fs::write(stills.join("frame_0.000.png"), b"my notes, not a png").unwrap();
    std::fs::write(stills.join("other.txt"), b"mine").unwrap();
    let run = test.framecast(&[
        "snapshot",
        comp.to_str().unwrap(),
        "--at",
        "0,0.1",
        "-o",
        stills.to_str().unwrap(),
        "--chrome",
        "/nonexistent/chrome",
    ]);
    assert_refused(&run, &stills.join("frame_0.000.png"), "not a PNG file");
    assert!(!stills.join("frame_0.100.png").exists());
    std::fs::remove_file(stills.join("frame_0.000.png")).unwrap();
    let run = test.framecast(&[
        "snapshot",
        comp.to_str().unwrap(),
        "--at",
        "0,0.1",
        "-o",
        stills.to_str().unwrap(),
    ]);
    assert_success(&run);
    let still = decode(&stills.join("frame_0.100.png"));
    assert_eq!((still.width, still.height), (64, 36));
    assert_eq!(std::fs::read(stills.join("other.txt")).unwrap(), b"mine");
    assert_eq!(std::fs::read_dir(&stills).unwrap().count(), 3);
}

#[test]
fn a_file_the_page_loads_is_never_the_output() {
    let test = TestDir::new();
    let comp = test.composition(
        "comp",
        &COMPOSITION.replace(
            "</div>",
            r#"<img src="assets/logo.gif" style="width:8px;height:8px"></div>"#,
        ),
    );
    let assets = comp.join("assets");
    std::fs::create_dir(&assets).unwrap();
    // A 1x1 GIF: the output format's own, so only knowing the page read it protects it.
    let logo: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\x00\x00\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    std::fs::write(assets.join("logo.gif"), logo).unwrap();
    let target = assets.join("logo.gif");
    let run = test.render(&comp, &target, &["--workers", "1"]);
    assert_refused(&run, &target, "the render reads");
    assert_eq!(std::fs::read(&target).unwrap(), logo);
    assert_eq!(std::fs::read_dir(&assets).unwrap().count(), 1);
    // A new GIF beside it is fine.
    assert_success(&test.render(&comp, &assets.join("out.gif"), &["--workers", "1"]));
    assert_eq!(decode(&assets.join("out.gif")).frames.len(), 2);
}
