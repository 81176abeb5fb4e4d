//! The fontconfig configuration capture Chrome starts with (through `FONTCONFIG_FILE`): the
//! framecast fonts converted to `.ttf`, Basic Latin faces in a directory listed first (so that
//! "Inter, weight 400" picks the Latin face rather than the Cyrillic one), Debian's font
//! directory for characters the fonts lack, generic aliases, and the rendering settings under
//! which a system font draws exactly like the same font loaded as a web font.
//!
//! The directory is built once per set of embedded font files and kept in the user's cache
//! directory, so fontconfig's own cache of it stays valid from one Chrome launch to the next,
//! and a framecast built with other fonts gets a directory of its own.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::{Face, FontPackage, MONOSPACE, SANS_SERIF, woff, woff_bytes};

/// Bumped whenever the directory's layout or configuration changes.
const LAYOUT_VERSION: u32 = 2;

const LATIN_DIR: &str = "1-latin";
const OTHER_DIR: &str = "2-other";

/// Builds the directory if needed and returns its `fonts.conf`.
pub(super) fn prepare(packages: &[(&FontPackage, Vec<Face>)]) -> Result<PathBuf, String> {
    let target = cache_root().join(format!("fonts-{:016x}", cache_key(packages)?));
    let config = target.join("fonts.conf");
    if config.is_file() {
        return Ok(config);
    }
    std::fs::create_dir_all(cache_root())
        .map_err(|error| format!("cannot create {}: {error}", cache_root().display()))?;
    // Built beside the target and renamed into place, so that Chrome processes starting at the
    // same time never see a half-written directory.
    let building = tempfile::Builder::new()
        .prefix(".fonts-building-")
        .tempdir_in(cache_root())
        .map_err(|error| {
            format!(
                "cannot create a directory in {}: {error}",
                cache_root().display()
            )
        })?;
    for dir in [LATIN_DIR, OTHER_DIR] {
        std::fs::create_dir(building.path().join(dir))
            .map_err(|error| format!("cannot create a font directory: {error}"))?;
    }
    for (package, faces) in packages {
        for face in faces {
            let sfnt = woff::woff_to_sfnt(woff_bytes(package, face)?)
                .map_err(|error| format!("{}: {error}", face.file))?;
            let dir = if face.is_latin() {
                LATIN_DIR
            } else {
                OTHER_DIR
            };
            let name = face.file.trim_end_matches(".woff").to_string() + ".ttf";
            std::fs::write(building.path().join(dir).join(name), sfnt)
                .map_err(|error| format!("cannot write a converted font: {error}"))?;
        }
    }
    std::fs::write(building.path().join("fonts.conf"), config_text(&target))
        .map_err(|error| format!("cannot write fonts.conf: {error}"))?;
    let building = building.keep();
    if std::fs::rename(&building, &target).is_err() {
        // Another process finished first; its directory is identical.
        let _ = std::fs::remove_dir_all(&building);
    }
    if config.is_file() {
        Ok(config)
    } else {
        Err(format!("{} was not created", config.display()))
    }
}

fn cache_root() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("framecast")
}

/// Changes whenever the embedded font files or this layout change. The fonts' bytes are hashed,
/// not only their names: a framecast built from another `@fontsource` version must not reuse
/// converted files of this one. About 1 MB, once per process.
fn cache_key(packages: &[(&FontPackage, Vec<Face>)]) -> Result<u64, String> {
    // `DefaultHasher::new()` always starts from the same keys, so the key is stable from one
    // run to the next.
    let mut hasher = DefaultHasher::new();
    LAYOUT_VERSION.hash(&mut hasher);
    for (package, faces) in packages {
        package.assets.dir.hash(&mut hasher);
        for face in faces {
            face.file.hash(&mut hasher);
            woff_bytes(package, face)?.hash(&mut hasher);
        }
    }
    Ok(hasher.finish())
}

/// The style words a font's legacy family name carries for weights outside regular and bold
/// (`Inter Black`, `JetBrains Mono ExtraBold`).
const WEIGHT_WORDS: &[&str] = &[
    "Thin",
    "ExtraLight",
    "Light",
    "Medium",
    "SemiBold",
    "ExtraBold",
    "Black",
];

/// Scan-time rules that file the heavy and light faces under their package's family. Their name
/// tables give a family of their own (`Inter Black`), so without this fontconfig answers
/// "Inter, weight 900" (what `sans-serif` at 900 asks for) with Inter Bold, while the web font
/// of the same name draws Black.
fn family_rules() -> String {
    let mut rules = String::new();
    for package in super::PACKAGES {
        for word in WEIGHT_WORDS {
            let family = xml_escape(package.family);
            rules.push_str(&format!(
                "  <match target=\"scan\"><test name=\"family\"><string>{family} {word}</string></test>\
                 <edit name=\"family\" mode=\"assign\" binding=\"same\"><string>{family}</string></edit></match>\n"
            ));
        }
    }
    rules
}

fn config_text(dir: &Path) -> String {
    let dir = xml_escape(&dir.to_string_lossy());
    let family_rules = family_rules();
    format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- Written by framecast for its capture Chrome; rebuilt when the fonts change. -->
<fontconfig>
  <dir>{dir}/{LATIN_DIR}</dir>
  <dir>{dir}/{OTHER_DIR}</dir>
  <dir>/usr/share/fonts</dir>
  <cachedir>{dir}/cache</cachedir>
  <alias binding="same"><family>sans-serif</family><prefer><family>{SANS_SERIF}</family></prefer></alias>
  <alias binding="same"><family>sans</family><prefer><family>{SANS_SERIF}</family></prefer></alias>
  <alias binding="same"><family>system-ui</family><prefer><family>{SANS_SERIF}</family></prefer></alias>
  <alias binding="same"><family>monospace</family><prefer><family>{MONOSPACE}</family></prefer></alias>
  <alias binding="same"><family>mono</family><prefer><family>{MONOSPACE}</family></prefer></alias>
  <alias binding="same"><family>serif</family><prefer><family>Liberation Serif</family><family>DejaVu Serif</family></prefer></alias>
  <alias binding="same"><family>Times New Roman</family><prefer><family>Liberation Serif</family></prefer></alias>
{family_rules}  <match target="font">
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>
    <edit name="autohint" mode="assign"><bool>false</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
    <edit name="lcdfilter" mode="assign"><const>lcdnone</const></edit>
    <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>
  </match>
</fontconfig>
"#
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_lists_latin_first_and_maps_the_generics() {
        let text = config_text(Path::new("/cache/fonts-1"));
        let latin = text.find("/cache/fonts-1/1-latin").unwrap();
        let other = text.find("/cache/fonts-1/2-other").unwrap();
        let system = text.find("/usr/share/fonts").unwrap();
        assert!(latin < other && other < system);
        assert!(text.contains("<family>sans-serif</family><prefer><family>Inter</family>"));
        assert!(text.contains("<family>monospace</family><prefer><family>JetBrains Mono</family>"));
        assert!(text.contains(r#"<edit name="hinting" mode="assign"><bool>false</bool>"#));
        assert!(text.contains(
            r#"<test name="family"><string>Inter Black</string></test><edit name="family" mode="assign" binding="same"><string>Inter</string></edit>"#
        ));
    }

    #[test]
    fn the_cache_key_follows_the_embedded_faces() {
        let packages: Vec<(&FontPackage, Vec<Face>)> = crate::fonts::PACKAGES
            .iter()
            .map(|package| {
                let faces = crate::fonts::read_faces(&package.assets)
                    .expect("the embedded faces should parse");
                (package, faces)
            })
            .collect();
        let key = cache_key(&packages).expect("every face should be embedded");
        assert_eq!(cache_key(&packages), Ok(key));

        let mut fewer = packages.clone();
        fewer[0].1.pop();
        assert_ne!(cache_key(&fewer), Ok(key));

        let mut unknown = packages;
        unknown[0].1[0].file = "inter-klingon-400-normal.woff".to_string();
        assert!(cache_key(&unknown).is_err());
    }
}
