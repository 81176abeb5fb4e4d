//! Chrome for capture: launching headless Chrome processes, their lifetime (every exit path
//! kills and reaps the whole process group), the DevTools session, injecting the page runtime
//! from `runtime-js/`, readiness, seeking, and capturing frames with
//! `HeadlessExperimental.beginFrame` (or `Page.captureScreenshot` where BeginFrame is missing).
//! It also closes the page's world: the network reaches only the loopback server (known CDN
//! scripts are answered from the copies `framecast-assets` embeds, see `network.rs`), and fonts
//! are the embedded Inter and JetBrains Mono, never the machine's (see `fonts/`).
//!
//! All async code of the capture path lives here. This crate must not decode or convert
//! pixels: a captured frame leaves it as the encoded bytes Chrome produced.

pub mod cdn;
mod error;
mod flags;
mod fonts;
mod network;
mod page;
mod process;
pub mod remote;
mod session;

pub use error::BrowserError;
pub use fonts::{FONT_URL_PREFIX, provided_font_for};
pub use network::served_locally;
pub use page::{
    CaptureMode, CapturePage, CapturedFrame, ImageFormat, MediaVolumes, PageInfo, PageState,
    PageTransition, TimelineLength,
};
pub use process::{ChromeProcess, StderrTail};
pub use session::{BrowserSession, LaunchOptions};

/// The in-page runtime, embedded in the binary so a render needs no files beside it.
/// The files are concatenated in dependency order: `runtime.js` uses what the others define.
pub const RUNTIME_JS: &str = concat!(
    include_str!("../../../runtime-js/timing.js"),
    "\n",
    include_str!("../../../runtime-js/virtual-time.js"),
    "\n",
    include_str!("../../../runtime-js/variables.js"),
    "\n",
    include_str!("../../../runtime-js/layout.js"),
    "\n",
    include_str!("../../../runtime-js/compositions.js"),
    "\n",
    include_str!("../../../runtime-js/adapters.js"),
    "\n",
    include_str!("../../../runtime-js/runtime.js"),
    "\n",
    include_str!("../../../runtime-js/media.js"),
    "\n",
    include_str!("../../../runtime-js/layers.js"),
);

/// The font setup a capture page runs before the runtime (`window.__framecastFontFaces` and
/// `runtime-js/fonts.js`), for other hosts of the runtime such as the preview server, so named
/// families resolve to the same fonts there. Blocks on the file system (the fontconfig
/// directory is prepared with it).
pub fn fonts_page_script() -> Result<String, BrowserError> {
    fonts::FontSetup::prepare().map(|setup| setup.page_script.clone())
}

/// The font setup for a page shown in a browser framecast did not launch (the preview): the
/// capture page's font script, then the generic families (`sans-serif`, `system-ui`,
/// `monospace`) and the default font, which a capture Chrome resolves through its font
/// settings, rewritten in the page's CSS to the same provided fonts. Blocks on the file system,
/// as [`fonts_page_script`] does.
pub fn browser_fonts_page_script() -> Result<String, BrowserError> {
    let capture = fonts_page_script()?;
    Ok(format!("{capture}\n{}", fonts::generic_families_script()))
}

/// framecast's cache directory: `$FRAMECAST_CACHE_DIR`, else `$XDG_CACHE_HOME/framecast`, else
/// `~/.cache/framecast`, else one in the temporary directory. Extracted video frames and
/// remote assets are kept below it.
pub fn cache_dir() -> std::path::PathBuf {
    let from = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    from("FRAMECAST_CACHE_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            from("XDG_CACHE_HOME").map(|dir| std::path::PathBuf::from(dir).join("framecast"))
        })
        .or_else(|| {
            from("HOME").map(|home| std::path::PathBuf::from(home).join(".cache/framecast"))
        })
        .unwrap_or_else(|| std::env::temp_dir().join("framecast-cache"))
}

/// Where Debian's `chromium-headless-shell` package puts the real binary (the names under
/// `/usr/bin` are shell wrappers that add flags of their own).
pub const DEFAULT_CHROME_PATH: &str = "/usr/lib/chromium/chromium-headless-shell";
