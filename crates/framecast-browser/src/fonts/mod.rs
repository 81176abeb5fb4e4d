//! Deterministic fonts: as HyperFrames does, the common sans-serif families and generic
//! `sans-serif` render with Inter, the common monospace families and `monospace` with JetBrains
//! Mono, from the `@fontsource` files embedded in the binary (`framecast-assets`), never whatever
//! the machine has.
//!
//! Two mechanisms, because CSS cannot redefine a generic family:
//! - named families (`Arial`, `Menlo`, …) become `FontFace`s added to the page before any page
//!   script runs (`runtime-js/fonts.js`), loading the `.woff` files the loopback server serves
//!   under [`FONT_URL_PREFIX`];
//! - generic families and the default font come from Chrome's font settings
//!   (`Page.setFontFamilies`), which name system fonts only; Chrome is started with a
//!   `FONTCONFIG_FILE` whose fonts are the same files converted to `.ttf` (see [`fontconfig`]),
//!   with rendering settings under which a system font and a web font draw the same pixels.

mod fontconfig;
mod woff;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::BrowserError;

/// Where the loopback server serves font files: `/__framecast/fonts/<dir>/<file>` is the
/// embedded `@fontsource/<dir>/files/<file>`.
pub const FONT_URL_PREFIX: &str = "/__framecast/fonts/";

/// The page side of the font setup, embedded like the runtime.
const FONTS_JS: &str = include_str!("../../../../runtime-js/fonts.js");

/// The generic families rewritten into the page's CSS, for a browser framecast did not launch.
const GENERIC_FONTS_JS: &str = include_str!("../../../../runtime-js/generic-fonts.js");

/// The generic CSS families a capture Chrome resolves to a provided font (through its font
/// settings and the fontconfig aliases, see [`fontconfig`]).
const GENERIC_FAMILIES: &[(&str, &str)] = &[
    ("sans-serif", SANS_SERIF),
    ("system-ui", SANS_SERIF),
    ("monospace", MONOSPACE),
];

/// The font framecast renders the CSS family `family` with when it provides it, maps it
/// (`Arial` is drawn with Inter) or it is a generic family it resolves (`sans-serif`,
/// `monospace`); `None` for any other family, which needs its own `@font-face`.
/// Case-insensitive; quotes around the name are the caller's to remove.
pub fn provided_font_for(family: &str) -> Option<&'static str> {
    let family = family.trim();
    PACKAGES
        .iter()
        .find(|package| {
            package
                .families
                .iter()
                .any(|alias| alias.eq_ignore_ascii_case(family))
        })
        .map(|package| package.family)
        .or_else(|| {
            GENERIC_FAMILIES
                .iter()
                .find(|(generic, _)| generic.eq_ignore_ascii_case(family))
                .map(|(_, font)| *font)
        })
}

/// One `@fontsource` package and the families it stands in for.
struct FontPackage {
    /// Its directory under `@fontsource` and the embedded weights; the directory is also the
    /// one under [`FONT_URL_PREFIX`].
    assets: framecast_assets::FontPackage,
    family: &'static str,
    /// Families resolved to this font, its own name first.
    families: &'static [&'static str],
}

const PACKAGES: &[FontPackage] = &[
    FontPackage {
        assets: framecast_assets::INTER,
        family: "Inter",
        families: &[
            "Inter",
            "Arial",
            "Helvetica",
            "Liberation Sans",
            "DejaVu Sans",
            "Noto Sans",
        ],
    },
    FontPackage {
        assets: framecast_assets::JETBRAINS_MONO,
        family: "JetBrains Mono",
        families: &["JetBrains Mono", "Courier", "Menlo", "DejaVu Sans Mono"],
    },
];

/// The family Chrome's generic sans-serif (and default) font resolves to.
pub(crate) const SANS_SERIF: &str = "Inter";
/// The family Chrome's generic monospace font resolves to.
pub(crate) const MONOSPACE: &str = "JetBrains Mono";

/// Whether framecast provides `family` itself (`Inter`, `JetBrains Mono`, case-insensitively).
pub(crate) fn is_provided_family(family: &str) -> bool {
    PACKAGES
        .iter()
        .any(|package| package.family.eq_ignore_ascii_case(family))
}

/// One face of a `@fontsource` package: a weight, a style and a Unicode subset.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Face {
    style: String,
    weight: u16,
    /// The `.woff` file name inside the package's `files/` directory.
    file: String,
    unicode_range: String,
}

impl Face {
    /// Basic Latin comes first wherever one face must be picked for a family.
    fn is_latin(&self) -> bool {
        self.file.contains("-latin-") && !self.file.contains("-latin-ext-")
    }
}

/// What a capture Chrome needs for deterministic fonts.
#[derive(Debug)]
pub(crate) struct FontSetup {
    /// The `FONTCONFIG_FILE` Chrome starts with.
    pub fontconfig_file: PathBuf,
    /// Defines `window.__framecastFontFaces` and runs `fonts.js`; injected before the runtime.
    pub page_script: String,
}

impl FontSetup {
    /// Reads the embedded `@fontsource` faces and prepares (once per process) the fontconfig
    /// directory. Blocks on the file system.
    pub(crate) fn prepare() -> Result<Arc<FontSetup>, BrowserError> {
        static PREPARED: Mutex<Option<Arc<FontSetup>>> = Mutex::new(None);
        let mut prepared = PREPARED
            .lock()
            .expect("font setup lock should not be poisoned");
        if let Some(setup) = prepared.as_ref() {
            return Ok(Arc::clone(setup));
        }
        let mut packages = Vec::new();
        for package in PACKAGES {
            let faces = read_faces(&package.assets).map_err(|message| BrowserError::Fonts {
                message: format!("{}: {message}", package.family),
            })?;
            packages.push((package, faces));
        }
        let fontconfig_file =
            fontconfig::prepare(&packages).map_err(|message| BrowserError::Fonts { message })?;
        let setup = Arc::new(FontSetup {
            fontconfig_file,
            page_script: page_script(&packages),
        });
        *prepared = Some(Arc::clone(&setup));
        Ok(setup)
    }
}

/// The faces of one package for its embedded weights, normal and italic, read from the CSS
/// files `@fontsource` ships (`400.css`, `400-italic.css`), which carry each subset's Unicode
/// range.
fn read_faces(package: &framecast_assets::FontPackage) -> Result<Vec<Face>, String> {
    let mut faces = Vec::new();
    for css_path in package.css_files() {
        // `framecast-assets` embeds the CSS of every weight it lists or fails to build, so a
        // missing file is a bug of the build, not of the machine.
        let css = framecast_assets::file(&css_path)
            .ok_or_else(|| format!("{css_path} is not embedded in this framecast"))?;
        let parsed = parse_faces(&String::from_utf8_lossy(css));
        if parsed.is_empty() {
            return Err(format!("{css_path} has no usable @font-face"));
        }
        faces.extend(parsed);
    }
    Ok(faces)
}

/// The embedded bytes of a face's `.woff` file.
fn woff_bytes(package: &FontPackage, face: &Face) -> Result<&'static [u8], String> {
    let path = package.assets.file_path(&face.file);
    framecast_assets::file(&path).ok_or_else(|| format!("{path} is not embedded in this framecast"))
}

/// The `@font-face` rules of a `@fontsource` CSS file that have a `.woff` source.
fn parse_faces(css: &str) -> Vec<Face> {
    css.split("@font-face")
        .skip(1)
        .filter_map(|block| {
            let block = block.split('}').next()?;
            let descriptor = |name: &str| {
                let start = block.find(&format!("{name}:"))? + name.len() + 1;
                let value = block[start..].split(';').next()?;
                Some(value.trim().to_string())
            };
            let file = block
                .split("url(")
                .skip(1)
                .filter_map(|source| source.split(')').next())
                .map(|url| url.trim_matches(['\'', '"']))
                .find(|url| url.ends_with(".woff"))?
                .rsplit('/')
                .next()?
                .to_string();
            Some(Face {
                style: descriptor("font-style")?,
                weight: descriptor("font-weight")?.parse().ok()?,
                file,
                unicode_range: descriptor("unicode-range")?,
            })
        })
        .collect()
}

/// What a page shown in a browser framecast did not launch (the preview) runs after the capture
/// page's font script: the generic families and the default font, which a capture Chrome gets
/// from its font settings, put into the page's CSS as the provided families
/// (`runtime-js/generic-fonts.js`).
pub(crate) fn generic_families_script() -> String {
    let generics: serde_json::Map<String, serde_json::Value> = GENERIC_FAMILIES
        .iter()
        .map(|(generic, family)| (generic.to_string(), serde_json::Value::from(*family)))
        .collect();
    format!(
        "window.__framecastGenericFamilies = {};\nwindow.__framecastStandardFamily = {};\n{GENERIC_FONTS_JS}",
        serde_json::Value::Object(generics),
        serde_json::Value::from(SANS_SERIF),
    )
}

/// The script that adds one `FontFace` per family alias and face to the page.
fn page_script(packages: &[(&FontPackage, Vec<Face>)]) -> String {
    let faces: Vec<serde_json::Value> = packages
        .iter()
        .flat_map(|(package, faces)| {
            faces.iter().map(|face| {
                serde_json::json!({
                    "families": package.families,
                    "url": format!("{FONT_URL_PREFIX}{}/{}", package.assets.dir, face.file),
                    "style": face.style,
                    "weight": face.weight,
                    "unicodeRange": face.unicode_range,
                })
            })
        })
        .collect();
    format!(
        "window.__framecastFontFaces = {};\n{FONTS_JS}",
        serde_json::Value::Array(faces)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSS: &str = "/* inter-cyrillic-400-normal */
@font-face {
  font-family: 'Inter';
  font-style: normal;
  font-display: swap;
  font-weight: 400;
  src: url(./files/inter-cyrillic-400-normal.woff2) format('woff2'), url(./files/inter-cyrillic-400-normal.woff) format('woff');
  unicode-range: U+0301,U+0400-045F;
}

/* inter-latin-400-normal */
@font-face {
  font-family: 'Inter';
  font-style: normal;
  font-display: swap;
  font-weight: 400;
  src: url(./files/inter-latin-400-normal.woff2) format('woff2'), url(./files/inter-latin-400-normal.woff) format('woff');
  unicode-range: U+0000-00FF,U+0131;
}

@font-face {
  font-family: 'Inter';
  font-style: normal;
  font-weight: 400;
  src: url(./files/only-woff2.woff2) format('woff2');
  unicode-range: U+0000-00FF;
}";

    #[test]
    fn mapped_and_generic_families_have_a_provided_font() {
        assert_eq!(provided_font_for("Arial"), Some("Inter"));
        assert_eq!(provided_font_for("inter"), Some("Inter"));
        assert_eq!(provided_font_for(" Menlo "), Some("JetBrains Mono"));
        assert_eq!(provided_font_for("monospace"), Some("JetBrains Mono"));
        assert_eq!(provided_font_for("sans-serif"), Some("Inter"));
        assert_eq!(provided_font_for("Roboto"), None);
        assert_eq!(provided_font_for("serif"), None);
    }

    #[test]
    fn parses_fontsource_css_into_woff_faces() {
        let faces = parse_faces(CSS);
        assert_eq!(
            faces,
            vec![
                Face {
                    style: "normal".to_string(),
                    weight: 400,
                    file: "inter-cyrillic-400-normal.woff".to_string(),
                    unicode_range: "U+0301,U+0400-045F".to_string(),
                },
                Face {
                    style: "normal".to_string(),
                    weight: 400,
                    file: "inter-latin-400-normal.woff".to_string(),
                    unicode_range: "U+0000-00FF,U+0131".to_string(),
                },
            ]
        );
        assert!(!faces[0].is_latin());
        assert!(faces[1].is_latin());
    }

    #[test]
    fn the_page_script_names_every_alias_and_served_url() {
        let faces = parse_faces(CSS);
        let script = page_script(&[(&PACKAGES[0], faces)]);
        assert!(script.starts_with("window.__framecastFontFaces = [{"));
        for family in [
            "Arial",
            "Helvetica",
            "Liberation Sans",
            "DejaVu Sans",
            "Noto Sans",
        ] {
            assert!(script.contains(&format!("\"{family}\"")), "{family}");
        }
        assert!(
            script.contains("\"url\":\"/__framecast/fonts/inter/inter-latin-400-normal.woff\"")
        );
        assert!(script.contains("\"unicodeRange\":\"U+0000-00FF,U+0131\""));
        assert!(script.contains("__framecastFonts"));
    }

    #[test]
    fn the_generic_script_maps_each_generic_family_and_the_default_font() {
        let script = generic_families_script();
        let (generics, rest) = script
            .split_once(";\n")
            .expect("the script should start with the generic table");
        let generics: serde_json::Value = serde_json::from_str(
            generics
                .strip_prefix("window.__framecastGenericFamilies = ")
                .expect("the table comes first"),
        )
        .expect("the table should be JSON");
        assert_eq!(
            generics,
            serde_json::json!({
                "sans-serif": "Inter",
                "system-ui": "Inter",
                "monospace": "JetBrains Mono",
            })
        );
        assert!(rest.starts_with("window.__framecastStandardFamily = \"Inter\";\n"));
        assert!(script.contains("__framecastGenericFonts"));
    }

    #[test]
    fn reads_the_embedded_packages() {
        for package in PACKAGES {
            let faces = read_faces(&package.assets).unwrap_or_else(|error| panic!("{error}"));
            for face in &faces {
                let woff = woff_bytes(package, face).unwrap_or_else(|error| panic!("{error}"));
                assert!(woff.starts_with(b"wOFF"), "{}", face.file);
            }
            for weight in package.assets.weights {
                for style in ["normal", "italic"] {
                    assert!(
                        faces
                            .iter()
                            .any(|f| f.weight == *weight && f.style == style && f.is_latin()),
                        "{} {weight} {style}",
                        package.family
                    );
                }
            }
        }
    }
}
