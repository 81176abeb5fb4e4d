//! The Content-Type of a served file, from its extension. Chrome is strict about some of these
//! (module scripts must be JavaScript, `WebAssembly.instantiateStreaming` needs
//! `application/wasm`), so the table is explicit rather than guessed.

use std::path::Path;

/// The type sent for files whose extension is not in the table.
pub(crate) const FALLBACK: &str = "application/octet-stream";

/// The Content-Type for `path`, by its extension, case-insensitively.
pub(crate) fn for_path(path: &Path) -> &'static str {
    let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
        return FALLBACK;
    };
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "glsl" | "frag" | "vert" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => FALLBACK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_types_compositions_use() {
        let expected = [
            ("index.html", "text/html; charset=utf-8"),
            ("gsap.min.js", "text/javascript; charset=utf-8"),
            ("module.mjs", "text/javascript; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("data.json", "application/json"),
            ("logo.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.JPG", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.gif", "image/gif"),
            ("clip.mp4", "video/mp4"),
            ("clip.webm", "video/webm"),
            ("music.mp3", "audio/mpeg"),
            ("voice.wav", "audio/wav"),
            ("voice.ogg", "audio/ogg"),
            ("inter.woff", "font/woff"),
            ("inter.woff2", "font/woff2"),
            ("inter.ttf", "font/ttf"),
            ("inter.otf", "font/otf"),
        ];
        for (name, content_type) in expected {
            assert_eq!(for_path(Path::new(name)), content_type, "{name}");
        }
    }

    #[test]
    fn unknown_or_missing_extension_is_octet_stream() {
        assert_eq!(for_path(Path::new("README")), FALLBACK);
        assert_eq!(for_path(Path::new("archive.xyz")), FALLBACK);
    }
}
