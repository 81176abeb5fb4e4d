//! Which third-party files are embedded. Shared by `build.rs`, which reads them from
//! `node_modules`, and by the library, whose users name the same packages and weights.

/// An npm package whose CDN URLs framecast answers (see `framecast-browser`'s `cdn` module):
/// the browser-loadable scripts of `dir` are embedded, with the package's `package.json`.
#[derive(Debug, Clone, Copy)]
pub struct Library {
    pub package: &'static str,
    /// The directory of the package's browser builds, searched recursively.
    pub dir: &'static str,
}

/// The libraries a CDN URL can name. Only their builds are embedded, not the sources, examples
/// or type declarations a CDN also serves: a composition loads a library's build.
pub const LIBRARIES: &[Library] = &[
    Library {
        package: "gsap",
        dir: "dist",
    },
    Library {
        package: "lottie-web",
        dir: "build/player",
    },
    Library {
        package: "three",
        dir: "build",
    },
    Library {
        package: "animejs",
        dir: "lib",
    },
    // anime.js 4, installed beside 3 under an npm alias: its browser bundles (UMD and ES
    // module), not the per-module tree of `dist/modules`.
    Library {
        package: "animejs-4",
        dir: "dist/bundles",
    },
];

/// Directories of CommonJS modules (`require`, `exports`), which no browser runs: skipped.
pub const COMMONJS_DIRS: &[&str] = &["cjs"];

/// Script files that a browser loads: classic scripts and ES modules. `.cjs` files, source maps
/// and type declarations are left out.
pub const SCRIPT_EXTENSIONS: &[&str] = &["js", "mjs"];

/// Files that other crates name directly (the server's vendor table, the CDN map's default
/// files); the build fails when one is missing.
pub const REQUIRED_FILES: &[&str] = &[
    "gsap/dist/gsap.min.js",
    "lottie-web/build/player/lottie.min.js",
    "three/build/three.min.js",
    "three/build/three.module.js",
    "animejs/lib/anime.min.js",
    "animejs-4/dist/bundles/anime.umd.min.js",
    "@hyperframes/shader-transitions/dist/index.global.js",
];

/// Single files embedded besides the libraries' builds.
pub const EXTRA_FILES: &[&str] = &["@hyperframes/shader-transitions/dist/index.global.js"];

/// A `@fontsource` package whose weights are embedded, normal and italic: the CSS files
/// (`400.css`, `400-italic.css`) and the `.woff` files they name.
#[derive(Debug, Clone, Copy)]
pub struct FontPackage {
    /// The directory under `node_modules/@fontsource`.
    pub dir: &'static str,
    pub weights: &'static [u16],
}

pub const INTER: FontPackage = FontPackage {
    dir: "inter",
    weights: &[400, 700, 900],
};

/// JetBrains Mono has no 900; 800 is its heaviest.
pub const JETBRAINS_MONO: FontPackage = FontPackage {
    dir: "jetbrains-mono",
    weights: &[400, 700, 800],
};

pub const FONT_PACKAGES: &[FontPackage] = &[INTER, JETBRAINS_MONO];

/// The styles of every embedded weight, as `@fontsource` names its CSS files (`400.css`,
/// `400-italic.css`).
pub const FONT_STYLES: &[&str] = &["", "-italic"];

impl FontPackage {
    /// The CSS files of the embedded weights, as paths inside `node_modules`.
    pub fn css_files(&self) -> impl Iterator<Item = String> + '_ {
        self.weights.iter().flat_map(move |weight| {
            FONT_STYLES
                .iter()
                .map(move |style| format!("@fontsource/{}/{weight}{style}.css", self.dir))
        })
    }

    /// The path inside `node_modules` of a file the package's CSS names (`./files/x.woff`).
    pub fn file_path(&self, file: &str) -> String {
        format!("@fontsource/{}/files/{file}", self.dir)
    }
}

/// The `.woff` files a `@fontsource` CSS file names (`url(./files/x.woff)`), by file name. The
/// fonts are used as `.woff` only: Chrome loads them as web fonts and fontconfig gets them
/// converted to `.ttf`, which needs no decompressor for `.woff2`.
pub fn woff_files(css: &str) -> impl Iterator<Item = &str> {
    css.split("url(")
        .skip(1)
        .filter_map(|source| source.split(')').next())
        .map(|url| url.trim_matches(['\'', '"']))
        .filter(|url| url.ends_with(".woff"))
        .filter_map(|url| url.rsplit('/').next())
}
