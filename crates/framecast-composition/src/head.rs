//! Where a script goes so that it runs before every page script: just after the opening
//! `<head>` tag (or, without one, after `<html>`, after the doctype, or at the very start). The
//! preview inserts the runtime there as the entry file is served; it belongs here because this
//! crate is the one place that reads a composition's HTML.
//!
//! The HTML5 parse ([`crate::Composition`]) keeps no source offsets, so this is a scan, but one
//! that follows the tokenizer's rules where they matter: comments are skipped, a tag name must
//! end (`<header>` is not `<head>`), and a `>` inside a quoted attribute value does not end the
//! tag.

/// The byte offset just after the opening tag a first script should follow.
pub fn head_script_offset(html: &str) -> usize {
    for name in ["head", "html", "!doctype"] {
        if let Some(offset) = after_open_tag(html, name) {
            return offset;
        }
    }
    0
}

/// The offset just after the first opening tag called `name` (ASCII case-insensitive) outside
/// comments.
fn after_open_tag(html: &str, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        if html[start..].starts_with("<!--") {
            at = match html[start + 4..].find("-->") {
                Some(end) => start + 4 + end + 3,
                None => return None,
            };
            continue;
        }
        let name_end = start + 1 + name.len();
        let matches_name = html
            .get(start + 1..name_end)
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name));
        let name_ends = matches!(
            bytes.get(name_end),
            Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
        );
        if matches_name && name_ends {
            return tag_end(html, name_end);
        }
        at = start + 1;
    }
    None
}

/// The offset after the `>` that closes a tag whose attributes start at `from`.
fn tag_end(html: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (offset, byte) in html.as_bytes()[from..].iter().enumerate() {
        match (quote, byte) {
            (None, b'"' | b'\'') => quote = Some(*byte),
            (Some(open), _) if open == *byte => quote = None,
            (None, b'>') => return Some(from + offset + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(html: &str) -> String {
        let at = head_script_offset(html);
        format!("{}<S>{}", &html[..at], &html[at..])
    }

    #[test]
    fn the_script_goes_first_in_head() {
        assert_eq!(
            insert("<!doctype html>\n<html><head><meta charset=\"utf-8\"></head></html>"),
            "<!doctype html>\n<html><head><S><meta charset=\"utf-8\"></head></html>"
        );
        assert_eq!(
            insert("<HTML><HEAD lang=en><TITLE>x</TITLE>"),
            "<HTML><HEAD lang=en><S><TITLE>x</TITLE>"
        );
    }

    #[test]
    fn header_comments_and_quoted_brackets_are_not_head() {
        assert_eq!(
            insert("<html><body><header>x</header>"),
            "<html><S><body><header>x</header>"
        );
        assert_eq!(
            insert("<!-- <head> --><html><head data-x=\"a>b\">"),
            "<!-- <head> --><html><head data-x=\"a>b\"><S>"
        );
        assert_eq!(insert("<div>x</div>"), "<S><div>x</div>");
        assert_eq!(insert("<!doctype html><div>"), "<!doctype html><S><div>");
        assert_eq!(
            insert("<!-- never closed <head>"),
            "<S><!-- never closed <head>"
        );
    }
}
