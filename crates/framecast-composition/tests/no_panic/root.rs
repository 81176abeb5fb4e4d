//! `parse_root` and `Composition::load` on hostile HTML.

use std::path::Path;

use framecast_composition::{
    Composition, CompositionError, Fps, MAX_DURATION_SECS, RootAttributes, parse_root,
};
use proptest::prelude::*;

use crate::html;

const PATH: &str = "fuzz/index.html";

/// What every parsed root must satisfy, whatever the HTML was.
fn check_root(root: &RootAttributes) {
    assert!(
        (1..=16384).contains(&root.width),
        "width {} out of range",
        root.width
    );
    assert!(
        (1..=16384).contains(&root.height),
        "height {} out of range",
        root.height
    );
    if let Some(duration) = root.duration {
        assert!(
            duration > 0.0 && duration <= MAX_DURATION_SECS,
            "duration {duration} out of range"
        );
    }
    if let Some(fps) = root.fps {
        check_fps(fps);
    }
}

pub fn check_fps(fps: Fps) {
    assert!(fps.num > 0 && fps.den > 0, "{fps:?} has a zero part");
    assert_eq!(
        Fps::new(fps.num, fps.den),
        Some(fps),
        "{fps:?} is not reduced or out of range"
    );
    let rate = fps.as_f64();
    assert!((0.001..=1000.0).contains(&rate), "{fps:?} is {rate} fps");
}

/// What every error must satisfy: it names the file and, for a bad value, an attribute the
/// parser reads.
fn check_error(error: &CompositionError, path: &Path) {
    let message = error.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "{message:?} does not name {}",
        path.display()
    );
    if let CompositionError::BadAttribute { attribute, .. }
    | CompositionError::MissingAttribute { attribute, .. } = error
    {
        assert!(
            ["data-width", "data-height", "data-duration", "data-fps"].contains(attribute),
            "{message}"
        );
    }
}

fn check(html: &str) {
    let path = Path::new(PATH);
    match parse_root(html, path) {
        Ok(root) => check_root(&root),
        Err(error) => check_error(&error, path),
    }
}

proptest! {
    #![proptest_config(crate::config(2048))]

    #[test]
    fn structured_html_gives_a_valid_root_or_an_error(html in html::document()) {
        check(&html);
    }

    #[test]
    fn random_text_gives_a_valid_root_or_an_error(html in html::any_text()) {
        check(&html);
    }

    #[test]
    fn edge_timing_values_are_read_or_refused_by_name((html, duration, fps) in html::timed_root()) {
        match parse_root(&html, Path::new(PATH)) {
            Ok(root) => {
                check_root(&root);
                prop_assert_eq!(root.duration.is_some(), duration.is_some());
                prop_assert_eq!(root.fps.is_some(), fps.is_some());
            }
            Err(CompositionError::BadAttribute { attribute, value, .. }) => {
                let given = match attribute {
                    "data-duration" => duration,
                    "data-fps" => fps,
                    other => panic!("{other} was valid"),
                };
                prop_assert_eq!(Some(value), given.as_deref().map(html::as_parsed));
            }
            Err(CompositionError::ZeroDuration { .. }) => {
                let zero = duration.and_then(|text| text.trim().parse::<f64>().ok()) == Some(0.0);
                prop_assert!(zero);
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn a_valid_root_is_read_exactly((html, width, height, millis, fps) in html::valid_root()) {
        let root = parse_root(&html, Path::new(PATH)).unwrap();
        prop_assert_eq!(root.id.as_str(), "main");
        prop_assert_eq!((root.width, root.height), (width, height));
        prop_assert_eq!(root.duration, millis.map(|millis| f64::from(millis) / 1000.0));
        prop_assert_eq!(root.fps, fps.and_then(|(num, den)| Fps::new(num, den)));
    }
}

proptest! {
    // Each case writes files into a fresh temp dir, so fewer cases fit the same time.
    #![proptest_config(crate::config(256))]

    #[test]
    fn loading_files_gives_a_composition_or_an_error(
        bytes in html::file_bytes(),
        layout in 0u8..3,
    ) {
        let dir = tempfile::tempdir().expect("should create a temp dir");
        let file = match layout {
            0 => dir.path().join("index.html"),
            1 => dir.path().join("src/index.html"),
            _ => dir.path().join("scene.html"),
        };
        std::fs::create_dir_all(file.parent().expect("a file in the temp dir has a parent"))
            .expect("should create the composition folder");
        std::fs::write(&file, &bytes).expect("should write the composition");
        for input in [dir.path(), file.as_path()] {
            match Composition::load(input) {
                Ok(composition) => {
                    check_root(&composition.root);
                    prop_assert!(composition.html_path.is_absolute());
                    prop_assert!(composition.html_path.is_file());
                    prop_assert_eq!(composition.html_path.parent(), Some(composition.dir.as_path()));
                    prop_assert_eq!(composition.entry_name(), file.file_name().unwrap().to_str().unwrap());
                }
                // The directory of a file not called index.html has no entry file to find.
                Err(CompositionError::NoIndex { dir: missing }) => {
                    prop_assert_eq!(layout, 2);
                    prop_assert_eq!(missing.as_path(), dir.path());
                }
                Err(error @ CompositionError::Read { .. }) => {
                    prop_assert!(std::str::from_utf8(&bytes).is_err(), "{}", error);
                }
                Err(error) => {
                    let canonical = file.canonicalize().expect("the file was just written");
                    check_error(&error, &canonical);
                }
            }
        }
    }
}

#[test]
fn a_missing_path_is_not_found() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let missing = dir.path().join("nothing-here");
    let error = Composition::load(&missing).unwrap_err();
    assert!(
        matches!(error, CompositionError::NotFound { .. }),
        "{error}"
    );
}
