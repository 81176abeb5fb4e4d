use super::*;
use std::path::PathBuf;

/// The `node_modules` the table was built from, to compare the embedded bytes with.
fn installed(path: &str) -> Vec<u8> {
    let node_modules = match option_env!("FRAMECAST_NODE_MODULES") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules")),
    };
    std::fs::read(node_modules.join(path))
        .unwrap_or_else(|error| panic!("should read the installed {path}: {error}"))
}

#[test]
fn every_file_other_crates_name_is_embedded_and_not_empty() {
    for path in manifest::REQUIRED_FILES {
        let bytes = file(path).unwrap_or_else(|| panic!("{path} should be embedded"));
        assert!(!bytes.is_empty(), "{path} is empty");
        assert_eq!(bytes, installed(path), "{path}");
    }
    for library in LIBRARIES {
        let path = format!("{}/package.json", library.package);
        let manifest = file(&path).unwrap_or_else(|| panic!("{path} should be embedded"));
        assert!(
            std::str::from_utf8(manifest).is_ok_and(|text| text.contains("\"version\"")),
            "{path} names no version"
        );
    }
}

#[test]
fn every_font_weight_has_its_css_and_the_woff_files_it_names() {
    for package in FONT_PACKAGES {
        for css_path in package.css_files() {
            let css = file(&css_path).unwrap_or_else(|| panic!("{css_path} should be embedded"));
            let css = std::str::from_utf8(css).expect("a @fontsource CSS file should be UTF-8");
            let mut woffs = 0;
            for woff in manifest::woff_files(css) {
                let path = package.file_path(woff);
                let bytes = file(&path).unwrap_or_else(|| panic!("{path} should be embedded"));
                assert!(bytes.starts_with(b"wOFF"), "{path} is not a WOFF file");
                woffs += 1;
            }
            // Each CSS file has one face per Unicode subset (latin, latin-ext, cyrillic, …).
            assert!(woffs >= 2, "{css_path} names {woffs} .woff files");
        }
    }
    assert!(file("@fontsource/inter/files/inter-latin-400-normal.woff").is_some());
    assert!(
        file("@fontsource/jetbrains-mono/files/jetbrains-mono-latin-800-italic.woff").is_some()
    );
}

#[test]
fn only_browser_loadable_scripts_of_the_builds_are_embedded() {
    for (path, bytes) in files() {
        assert!(!bytes.is_empty(), "{path} is empty");
        let in_library_build = LIBRARIES
            .iter()
            .any(|library| path.starts_with(&format!("{}/{}/", library.package, library.dir)));
        if in_library_build {
            assert!(
                path.ends_with(".js") || path.ends_with(".mjs"),
                "{path} is not a script"
            );
            assert!(!path.contains("/cjs/"), "{path} is a CommonJS module");
        }
    }
    assert!(file("gsap/dist/ScrollTrigger.min.js").is_some());
    assert!(file("gsap/dist/gsap.min.js.map").is_none());
    assert!(file("three/build/three.cjs").is_none());
    assert!(file("lottie-web/build/player/cjs/lottie.min.js").is_none());
    assert!(file("three/examples/jsm/controls/OrbitControls.js").is_none());
    assert!(file("gsap/src/index.js").is_none());
}

#[test]
fn lookups_are_exact_and_the_table_is_sorted() {
    let keys: Vec<&str> = files().map(|(path, _)| path).collect();
    assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
    assert_eq!(
        file("gsap/dist/gsap.min.js"),
        Some(installed("gsap/dist/gsap.min.js").as_slice())
    );
    for missing in [
        "",
        "gsap",
        "gsap/dist",
        "/gsap/dist/gsap.min.js",
        "gsap/dist/../dist/gsap.min.js",
        "gsap/dist/gsap.min.js/",
    ] {
        assert_eq!(file(missing), None, "{missing:?}");
    }
}

#[test]
fn reports_the_embedded_size() {
    let total: usize = files().map(|(_, bytes)| bytes.len()).sum();
    println!("{} files, {total} bytes embedded", files().len());
    // The browser builds and fonts are some megabytes; far more means a directory of sources or
    // source maps slipped in.
    assert!(total < 32 << 20, "{total} bytes embedded");
}
