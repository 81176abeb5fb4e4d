//! Deterministic fonts: as HyperFrames does, the common sans-serif families and generic
//! `sans-serif` render with Inter, the common monospace families and `monospace` with JetBrains
//! Mono, from the `@fontsource` files `scripts/setup` installs, never whatever the machine has.
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

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::BrowserError;

/// Where the loopback server serves font files: `/__framecast/fonts/<dir>/<file>` is
/// `node_modules/@fontsource/<dir>/files/<file>`.
pub const FONT_URL_PREFIX: &str = "/__framecast/fonts/";

/// The page side of the font setup, embedded like the runtime.
const FONTS_JS: &str = include_str!("../../../../runtime-js/fonts.js");

/// One `@fontsource` package and the families it stands in for.
struct FontPackage {
    /// The directory under `node_modules/@fontsource` and under [`FONT_URL_PREFIX`].
    dir: &'static str,
    family: &'static str,
    /// Families resolved to this font, its own name first.
    families: &'static [&'static str],
    weights: &'static [u16],
}

/// JetBrains Mono has no 900; 800 is its heaviest.
const PACKAGES: &[FontPackage] = &[
    FontPackage {
        dir: "inter",
        family: "Inter",
        families: &[
            "Inter",
            "Arial",
            "Helvetica",
            "Liberation Sans",
            "DejaVu Sans",
            "Noto Sans",
        ],
        weights: &[400, 700, 900],
    },
    FontPackage {
        dir: "jetbrains-mono",
        family: "JetBrains Mono",
        families: &["JetBrains Mono", "Courier", "Menlo", "DejaVu Sans Mono"],
        weights: &[400, 700, 800],
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
    /// Reads the installed `@fontsource` packages and prepares (once per process and
    /// `node_modules`) the fontconfig directory. Blocks on the file system.
    pub(crate) fn prepare(node_modules: &Path) -> Result<Arc<FontSetup>, BrowserError> {
        static PREPARED: Mutex<Vec<(PathBuf, Arc<FontSetup>)>> = Mutex::new(Vec::new());
        let mut prepared = PREPARED
            .lock()
            .expect("font setup lock should not be poisoned");
        if let Some((_, setup)) = prepared.iter().find(|(dir, _)| dir == node_modules) {
            return Ok(Arc::clone(setup));
        }
        let fonts_dir = node_modules.join("@fontsource");
        let mut packages = Vec::new();
        for package in PACKAGES {
            let faces =
                read_faces(&fonts_dir.join(package.dir), package.weights).map_err(|message| {
                    BrowserError::Fonts {
                        message: format!("{}: {message}", package.family),
                    }
                })?;
            packages.push((package, faces));
        }
        let fontconfig_file = fontconfig::prepare(&fonts_dir, &packages)
            .map_err(|message| BrowserError::Fonts { message })?;
        let setup = Arc::new(FontSetup {
            fontconfig_file,
            page_script: page_script(&packages),
        });
        prepared.push((node_modules.to_path_buf(), Arc::clone(&setup)));
        Ok(setup)
    }
}

/// The faces of one package for `weights`, normal and italic, read from the CSS files
/// `@fontsource` ships (`400.css`, `400-italic.css`), which carry each subset's Unicode range.
fn read_faces(package_dir: &Path, weights: &[u16]) -> Result<Vec<Face>, String> {
    let mut faces = Vec::new();
    for weight in weights {
        for suffix in ["", "-italic"] {
            let css_path = package_dir.join(format!("{weight}{suffix}.css"));
            let css = std::fs::read_to_string(&css_path)
                .map_err(|error| format!("cannot read {}: {error}", css_path.display()))?;
            let parsed = parse_faces(&css);
            if parsed.is_empty() {
                return Err(format!("{} has no usable @font-face", css_path.display()));
            }
            faces.extend(parsed);
        }
    }
    Ok(faces)
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

/// The script that adds one `FontFace` per family alias and face to the page.
fn page_script(packages: &[(&FontPackage, Vec<Face>)]) -> String {
    let faces: Vec<serde_json::Value> = packages
        .iter()
        .flat_map(|(package, faces)| {
            faces.iter().map(|face| {
                serde_json::json!({
                    "families": package.families,
                    "url": format!("{FONT_URL_PREFIX}{}/{}", package.dir, face.file),
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
    fn reads_the_installed_packages() {
        let fonts = crate::node_modules::discover_node_modules().join("@fontsource");
        for package in PACKAGES {
            let faces = read_faces(&fonts.join(package.dir), package.weights)
                .unwrap_or_else(|error| panic!("{error} (run scripts/setup)"));
            for weight in package.weights {
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
