//! Putting the page runtime into the composition's entry HTML as it is served, so it runs before
//! any page script: the same runtime, with the same settings, that a render injects with
//! `Page.addScriptToEvaluateOnNewDocument`, here loaded from the preview server. Where it goes
//! is `framecast-composition`'s to say, as the crate that reads composition HTML.

/// The URL the entry HTML loads the runtime (and its prelude) from.
pub(crate) const RUNTIME_URL: &str = "/__framecast/runtime.js";

/// Returns `html` with a `<script src>` for the runtime inserted as the first child of `<head>`
/// (or, without a `<head>` tag, after `<html>`, after the doctype, or at the very start). A
/// classic script blocks the parser, so the runtime runs before any page script; the tag adds
/// no line, so errors still name the author's line numbers.
pub(crate) fn inject_runtime(html: &str) -> String {
    let script = format!("<script src=\"{RUNTIME_URL}\" data-framecast=\"runtime\"></script>");
    let at = framecast_composition::head_script_offset(html);
    let mut injected = String::with_capacity(html.len() + script.len());
    injected.push_str(&html[..at]);
    injected.push_str(&script);
    injected.push_str(&html[at..]);
    injected
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG: &str =
        "<script src=\"/__framecast/runtime.js\" data-framecast=\"runtime\"></script>";

    #[test]
    fn goes_first_in_head_without_adding_a_line() {
        let html = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><script src=\"a.js\"></script></head></html>";
        let out = inject_runtime(html);
        assert_eq!(out, html.replace("<head>", &format!("<head>{TAG}")));
        assert_eq!(out.lines().count(), html.lines().count());
    }

    #[test]
    fn head_with_attributes_and_upper_case() {
        let out = inject_runtime("<HTML><HEAD lang=en><TITLE>x</TITLE>");
        assert_eq!(out, format!("<HTML><HEAD lang=en>{TAG}<TITLE>x</TITLE>"));
    }

    #[test]
    fn header_is_not_head() {
        let out = inject_runtime("<html><body><header>x</header>");
        assert_eq!(out, format!("<html>{TAG}<body><header>x</header>"));
    }

    #[test]
    fn without_any_tag_the_script_comes_first() {
        assert_eq!(inject_runtime("<div>x</div>"), format!("{TAG}<div>x</div>"));
    }
}
