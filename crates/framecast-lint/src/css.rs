//! Reading CSS for what lint checks: the font families it names, the families its `@font-face`
//! rules declare, the files its `url()`s and `@import`s name, and animations that never end.
//! Regular expressions over text with comments blanked: lint needs names and places, not a
//! cascade.

use std::sync::LazyLock;

use regex::Regex;

/// CSS with comments replaced by spaces (same length, so offsets still point into the file).
pub(crate) fn without_comments(css: &str) -> String {
    static COMMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)/\*.*?\*/").expect("should compile"));
    COMMENT
        .replace_all(css, |captures: &regex::Captures<'_>| {
            captures[0]
                .chars()
                .map(|c| {
                    if c == '\n' {
                        "\n".to_string()
                    } else {
                        " ".repeat(c.len_utf8())
                    }
                })
                .collect::<String>()
        })
        .into_owned()
}

/// The ranges of `@font-face { … }` blocks.
fn font_face_blocks(css: &str) -> Vec<std::ops::Range<usize>> {
    static FONT_FACE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)@font-face\s*\{[^}]*\}").expect("should compile"));
    FONT_FACE
        .find_iter(css)
        .map(|found| found.range())
        .collect()
}

/// The families `@font-face` rules of `css` declare.
pub(crate) fn declared_families(css: &str) -> Vec<String> {
    font_face_blocks(css)
        .into_iter()
        .flat_map(|block| family_lists(&css[block]).into_iter())
        .flat_map(|(_, list)| split_families(&list))
        .map(|(_, family)| family)
        .collect()
}

/// Every family named outside `@font-face` rules, with its offset in `css`.
pub(crate) fn used_families(css: &str) -> Vec<(usize, String)> {
    let blocks = font_face_blocks(css);
    family_lists(css)
        .into_iter()
        .filter(|(offset, _)| !blocks.iter().any(|block| block.contains(offset)))
        .flat_map(|(offset, list)| {
            split_families(&list)
                .into_iter()
                .map(move |(at, family)| (offset + at, family))
        })
        .collect()
}

/// The values of `font-family` declarations and the family part of `font` shorthands, with
/// their offsets.
fn family_lists(css: &str) -> Vec<(usize, String)> {
    static FAMILY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:^|[\s;{])font-family\s*:\s*([^;}{]+)").expect("should compile")
    });
    static SHORTHAND: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:^|[\s;{])font\s*:\s*([^;}{]+)").expect("should compile")
    });
    // In a shorthand, the family list follows the size (and optional line height).
    static AFTER_SIZE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)[\d.](?:px|pt|em|rem|%|vw|vh|vmin|vmax|ch|ex|q|cm|mm|in|pc)?(?:\s*/\s*[\d.]+[a-z%]*)?\s+")
            .expect("should compile")
    });
    let mut lists = Vec::new();
    for captures in FAMILY.captures_iter(css) {
        let value = captures.get(1).expect("the group should match");
        lists.push((value.start(), value.as_str().to_string()));
    }
    for captures in SHORTHAND.captures_iter(css) {
        let value = captures.get(1).expect("the group should match");
        if let Some(size) = AFTER_SIZE.find_iter(value.as_str()).last() {
            lists.push((
                value.start() + size.end(),
                value.as_str()[size.end()..].to_string(),
            ));
        }
    }
    lists
}

/// The named families of a family list (generic keywords, CSS-wide keywords and `var()` left
/// out), unquoted, with their offsets in the list.
pub(crate) fn split_families(list: &str) -> Vec<(usize, String)> {
    const NOT_NAMES: &[&str] = &[
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
        "math",
        "emoji",
        "fangsong",
        "inherit",
        "initial",
        "unset",
        "revert",
        "revert-layer",
        "-apple-system",
        "blinkmacsystemfont",
    ];
    let mut found = Vec::new();
    let mut at = 0;
    for part in list.split(',') {
        let trimmed = part.trim().trim_end_matches("!important").trim();
        let name = trimmed.trim_matches(|c| c == '"' || c == '\'').trim();
        let lower = name.to_ascii_lowercase();
        let is_name = !name.is_empty()
            && !name.contains("var(")
            && !name.contains('$')
            && !name.contains("{{")
            && !NOT_NAMES.contains(&lower.as_str());
        if is_name {
            let lead = part.len() - part.trim_start().len();
            found.push((at + lead, name.to_string()));
        }
        at += part.len() + 1;
    }
    found
}

/// Every `url(…)` and `@import "…"` reference, with its offset.
pub(crate) fn references(css: &str) -> Vec<(usize, String)> {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"#)
            .expect("should compile")
    });
    URL.captures_iter(css)
        .filter_map(|captures| {
            let value = (1..=5).find_map(|group| captures.get(group))?;
            Some((value.start(), value.as_str().to_string()))
        })
        .collect()
}

/// Offsets of animations declared to run forever.
pub(crate) fn infinite_animations(css: &str) -> Vec<usize> {
    static INFINITE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)animation(?:-iteration-count)?\s*:[^;}]*\binfinite\b")
            .expect("should compile")
    });
    INFINITE.find_iter(css).map(|found| found.start()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_read_from_declarations_and_shorthands() {
        let css = without_comments(
            "@font-face { font-family: 'Brand'; src: url(brand.woff2); }\n/* font-family: Hidden; */\nh1 { font: 700 20px/1.2 \"Brand\", Roboto, sans-serif; }\np{font-family:Arial,var(--f)}",
        );
        assert_eq!(declared_families(&css), ["Brand"]);
        let used: Vec<String> = used_families(&css).into_iter().map(|(_, f)| f).collect();
        assert_eq!(used, ["Arial", "Brand", "Roboto"]);
        let (offset, _) = used_families(&css)
            .into_iter()
            .find(|(_, family)| family == "Roboto")
            .unwrap();
        assert!(css[offset..].starts_with("Roboto"));
        assert_eq!(
            references(&css),
            [(css.find("brand.woff2").unwrap(), "brand.woff2".to_string())]
        );
    }

    #[test]
    fn infinite_animations_are_found() {
        assert_eq!(
            infinite_animations(".a { animation: spin 1s linear infinite; }").len(),
            1
        );
        assert_eq!(
            infinite_animations(".a { animation-iteration-count: infinite }").len(),
            1
        );
        assert!(infinite_animations(".a { animation: spin 1s 3; }").is_empty());
    }
}
