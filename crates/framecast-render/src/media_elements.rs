//! The `<video>` and `<audio>` elements of a composition's HTML, with their timing attributes.

/// One media element as written in the HTML.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MediaElement {
    /// "video", "audio", or "img" (an animated GIF, shown frame-exact like a video).
    pub tag: &'static str,
    /// How errors name it, e.g. `<video id="intro" src="clip.mp4">`.
    pub describe: String,
    /// Position among the document's elements of the same tag (what `querySelectorAll("video")`,
    /// `querySelectorAll("audio")` or `querySelectorAll("img")` returns), for matching it in the
    /// page.
    pub index: usize,
    /// `src`, or the first `<source src>` child.
    pub src: Option<String>,
    pub start: f64,
    pub duration: Option<f64>,
    pub media_start: f64,
    pub volume: f32,
    pub rate: f64,
    pub looped: bool,
    pub muted: bool,
    pub hidden: bool,
    pub has_audio: bool,
}

/// Every `<video>` and `<audio>` in document order.
pub(crate) fn find(html: &str) -> Vec<MediaElement> {
    let Ok(dom) = tl::parse(html, tl::ParserOptions::default()) else {
        return Vec::new();
    };
    let parser = dom.parser();
    let mut found = Vec::new();
    let (mut videos, mut audios, mut images) = (0, 0, 0);
    for node in dom.nodes() {
        let Some(tag) = node.as_tag() else { continue };
        let name = tag.name().as_utf8_str().to_ascii_lowercase();
        let kind = match name.as_str() {
            "video" => "video",
            "audio" => "audio",
            "img" => "img",
            _ => continue,
        };
        let get = |name: &str| {
            tag.attributes()
                .get(name)
                .flatten()
                .map(|value| value.as_utf8_str().trim().to_string())
        };
        // tl drops the second of two adjacent valueless attributes (`loop muted`), so their
        // presence is read from the opening tag's own text.
        let names = attribute_names(&tag.raw().as_utf8_str());
        let has = |name: &str| names.iter().any(|found| found.eq_ignore_ascii_case(name));
        let number = |name: &str| get(name).and_then(|value| value.parse::<f64>().ok());
        let src = get("src").filter(|src| !src.is_empty()).or_else(|| {
            tag.children().all(parser).iter().find_map(|child| {
                let child = child.as_tag()?;
                if !child.name().as_utf8_str().eq_ignore_ascii_case("source") {
                    return None;
                }
                child
                    .attributes()
                    .get("src")
                    .flatten()
                    .map(|value| value.as_utf8_str().trim().to_string())
            })
        });
        if kind == "img" {
            images += 1;
            let animated = src.as_deref().is_some_and(|src| {
                let path = src.split(['?', '#']).next().unwrap_or(src);
                path.to_ascii_lowercase().ends_with(".gif")
            });
            if !animated {
                continue;
            }
        }
        let mut describe = format!("<{kind}");
        if let Some(id) = get("id") {
            describe.push_str(&format!(" id=\"{id}\""));
        }
        if let Some(src) = &src {
            describe.push_str(&format!(" src=\"{src}\""));
        }
        describe.push('>');
        let style = get("style").unwrap_or_default().replace(' ', "");
        found.push(MediaElement {
            tag: kind,
            describe,
            index: match kind {
                "img" => images - 1,
                "audio" => audios,
                _ => videos,
            },
            src,
            start: number("data-start").unwrap_or(0.0),
            duration: number("data-duration").filter(|d| d.is_finite()),
            media_start: number("data-media-start").unwrap_or(0.0).max(0.0),
            volume: number("data-volume").unwrap_or(1.0).max(0.0) as f32,
            rate: number("data-playback-rate")
                .filter(|rate| *rate > 0.0)
                .unwrap_or(1.0),
            looped: has("loop"),
            muted: has("muted"),
            hidden: has("hidden") || style.contains("display:none"),
            has_audio: get("data-has-audio").as_deref() == Some("true"),
        });
        match kind {
            "video" => videos += 1,
            "audio" => audios += 1,
            _ => {}
        }
    }
    found
}

/// The attribute names of the opening tag at the start of `raw` (`<video a="1" loop muted>`).
fn attribute_names(raw: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = raw
        .chars()
        .skip(1)
        .skip_while(|c| !c.is_whitespace())
        .peekable();
    let mut current = String::new();
    while let Some(c) = chars.next() {
        match c {
            '>' => break,
            '"' | '\'' => {
                for inner in chars.by_ref() {
                    if inner == c {
                        break;
                    }
                }
            }
            '=' => {
                names.push(std::mem::take(&mut current));
                // An unquoted value runs to the next whitespace or '>'.
                if chars
                    .peek()
                    .is_some_and(|next| *next != '"' && *next != '\'')
                {
                    while chars
                        .peek()
                        .is_some_and(|next| !next.is_whitespace() && *next != '>')
                    {
                        chars.next();
                    }
                }
            }
            c if c.is_whitespace() || c == '/' => {
                if !current.is_empty() {
                    names.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        names.push(current);
    }
    names.retain(|name| !name.is_empty());
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_media_attributes_in_document_order() {
        let html = r#"<div data-composition-id="x">
            <video id="a" src="a.mp4" data-start="1" data-media-start="2" data-playback-rate="2" loop muted></video>
            <audio src="music.wav" data-start="1.5" data-volume="0.25"></audio>
            <video data-has-audio="true"><source src="b.webm" type="video/webm"></video>
            <img src="still.png"><img src="spin.GIF?v=2">
        </div>"#;
        let found = find(html);
        assert_eq!(found.len(), 4);
        assert_eq!((found[3].tag, found[3].index), ("img", 1));
        assert_eq!(found[0].describe, r#"<video id="a" src="a.mp4">"#);
        assert_eq!(
            (found[0].start, found[0].media_start, found[0].rate),
            (1.0, 2.0, 2.0)
        );
        assert!(found[0].looped && found[0].muted, "{:?}", found[0]);
        assert_eq!(found[1].tag, "audio");
        assert_eq!(found[1].volume, 0.25);
        assert_eq!(found[1].index, 0);
        assert_eq!(found[2].src.as_deref(), Some("b.webm"));
        assert_eq!(found[2].index, 1);
        assert!(found[2].has_audio);
    }

    #[test]
    fn boolean_attributes_are_found_next_to_each_other() {
        let names = attribute_names(r#"<video src="a b.mp4" data-x=1 loop muted hidden>x</video>"#);
        assert_eq!(names, ["src", "data-x", "loop", "muted", "hidden"]);
    }
}
