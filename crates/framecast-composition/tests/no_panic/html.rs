//! Generators of adversarial composition HTML: roots with hostile attribute values, broken
//! markup around them, and plain random text.

use proptest::prelude::*;

/// The attributes `parse_root` reads, plus spellings close to them (`DATA-WIDTH` is `data-width`
/// in HTML, where attribute names are case-insensitive).
const ATTRIBUTE_NAMES: &[&str] = &[
    "data-composition-id",
    "data-root",
    "data-width",
    "data-height",
    "data-duration",
    "data-fps",
    "id",
    "DATA-WIDTH",
    "data-width ",
    "data-widt",
    "data-fps-x",
    "class",
];

/// Attribute values chosen to sit on every edge of the numeric parsers.
const EDGE_VALUES: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "1",
    "-1",
    "+5",
    "16384",
    "16385",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "1e400",
    "-1e400",
    "1e-400",
    "1e300",
    "86400",
    "86400.0000001",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "30000/0",
    "0/0",
    "0/1",
    "30000/1001",
    "1/1000",
    "1001/1",
    "1000/1",
    "4294967295/4294967295",
    "4294967295/1",
    "1/4294967295",
    "30/1/1",
    "/",
    "30/",
    "/30",
    " 30 / 1 ",
    "29.97",
    "0.0004",
    "999.9996",
    "0x10",
    "1_000",
    "٣٠",
    "３０",
    "30\u{0}",
    "true",
    "TRUE",
    "\"",
    "'",
    "&quot;30&quot;",
    "é\u{301}",
    "🎬",
];

fn attribute_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(EDGE_VALUES).prop_map(str::to_string),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| format!("{n:e}")),
        1 => (any::<u64>(), any::<u64>()).prop_map(|(a, b)| format!("{a}/{b}")),
        1 => (0u32..2000, 0u32..2000).prop_map(|(a, b)| format!("{a}/{b}")),
        1 => "[0-9]{0,45}(\\.[0-9]{0,20})?",
        1 => "\\PC{0,12}",
    ]
}

fn attribute_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(ATTRIBUTE_NAMES).prop_map(str::to_string),
        1 => "[a-zA-Z:_-][a-zA-Z0-9:_.-]{0,15}",
    ]
}

/// One attribute as written in a start tag: quoted either way, unquoted, valueless, or spread
/// over several lines.
fn attribute() -> impl Strategy<Value = String> {
    (attribute_name(), attribute_value(), 0u8..6).prop_map(|(name, value, style)| match style {
        0 => format!("{name}=\"{value}\""),
        1 => format!("{name}='{value}'"),
        2 => format!("{name}={value}"),
        3 => name,
        4 => format!("{name}\n  =\n  \"{value}\""),
        _ => format!("{name}=\"{value}\n{value}\""),
    })
}

/// A start tag, usually marked as a composition root, with random attributes.
fn root_tag() -> impl Strategy<Value = String> {
    let tag = prop_oneof![
        Just("div".to_string()),
        Just("section".to_string()),
        Just("template".to_string()),
        Just("x-scene".to_string()),
        "[a-zA-Z][a-zA-Z0-9-]{0,6}",
    ];
    let marker = prop_oneof![
        Just(String::new()),
        Just("data-composition-id=\"main\"".to_string()),
        Just("data-composition-id".to_string()),
        Just("data-root=\"true\"".to_string()),
        Just("data-root=true".to_string()),
        Just("data-root".to_string()),
    ];
    // A valid size most of the time, so that the values after it (duration, fps, a second
    // width) are what decides the outcome rather than a missing data-width.
    let size = prop_oneof![
        3 => (1u32..=16384, 1u32..=16384)
            .prop_map(|(width, height)| format!(" data-width=\"{width}\" data-height=\"{height}\"")),
        1 => Just(String::new()),
    ];
    let timing = |name: &'static str| {
        prop::option::of(attribute_value()).prop_map(move |value| {
            value.map_or(String::new(), |value| format!(" {name}=\"{value}\""))
        })
    };
    let separator = prop::sample::select(&[" ", "\n", "\t", "  \r\n ", "/"][..]);
    (
        tag,
        marker,
        size,
        (timing("data-duration"), timing("data-fps")),
        prop::collection::vec((separator, attribute()), 0..6),
        prop::sample::select(&[">", "/>", "", " >", "\n>"][..]),
    )
        .prop_map(|(tag, marker, size, (duration, fps), attributes, end)| {
            let mut text = format!("<{tag} {marker}{size}{duration}{fps}");
            for (separator, attribute) in attributes {
                text.push_str(separator);
                text.push_str(&attribute);
            }
            text.push_str(end);
            text
        })
}

/// Markup that surrounds or breaks a root: comments (closed or not), unclosed and stray tags,
/// scripts, doctype and CDATA, nested templates.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => root_tag(),
        1 => "\\PC{0,20}",
        1 => "\\PC{0,12}".prop_map(|text| format!("<!-- {text} -->")),
        1 => root_tag().prop_map(|tag| format!("<!-- {tag} -->")),
        1 => Just("<!--".to_string()),
        1 => Just("-->".to_string()),
        1 => Just("<!DOCTYPE html>".to_string()),
        1 => Just("<![CDATA[ <div data-root=\"true\"> ]]>".to_string()),
        1 => root_tag().prop_map(|tag| format!("<script>{tag}</script>")),
        1 => Just("<script>".to_string()),
        1 => (1usize..40).prop_map(|depth| "<template>".repeat(depth)),
        1 => (1usize..40).prop_map(|depth| "</template>".repeat(depth)),
        1 => prop::sample::select(&["<", ">", "</", "</div>", "<div", "<div ", "<p ", "<a b=", "<a b=\"", "&", "&#", "&#x;", "=", "\"", "'", "<?xml?>", "</>", "<>"][..])
            .prop_map(str::to_string),
    ]
}

/// A whole document of fragments.
pub fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..16).prop_map(|fragments| fragments.concat())
}

/// Any text at all, or bytes read lossily, for inputs with no structure.
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..512)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ]
}

/// A document or random bytes, as the content of a composition file on disk.
pub fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => document().prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

/// A valid root, as `(html, width, height, duration in milliseconds, fps ratio)`, inside markup
/// that contains no other root.
pub fn valid_root() -> impl Strategy<Value = (String, u32, u32, Option<u32>, Option<(u32, u32)>)> {
    let noise = prop::collection::vec(
        prop_oneof![
            Just("<p class=\"x\">text</p>".to_string()),
            Just("<!-- a comment -->".to_string()),
            Just("<template><span data-width=\"7\"></span></template>".to_string()),
            Just("<img src=\"a.png\">".to_string()),
            "[a-zA-Z0-9 ]{0,20}",
        ],
        0..6,
    );
    (
        noise.clone(),
        1u32..=16384,
        1u32..=16384,
        prop::option::of(1u32..=86_400_000),
        prop::option::of((1u32..=1000, 1u32..=1000)),
        noise,
    )
        .prop_map(|(before, width, height, millis, fps, after)| {
            let mut root =
                format!("<div id=\"root\" data-composition-id=\"main\"\n data-width=\"{width}\" data-height=\"{height}\"");
            if let Some(millis) = millis {
                root.push_str(&format!(" data-duration=\"{}\"", f64::from(millis) / 1000.0));
            }
            if let Some((num, den)) = fps {
                root.push_str(&format!(" data-fps=\"{num}/{den}\""));
            }
            root.push_str("></div>");
            let html = format!("<html><body>{}{root}{}</body></html>", before.concat(), after.concat());
            (html, width, height, millis, fps)
        })
}

/// What the HTML parser makes of a value written between quotes, for the edge values above:
/// character references decoded and NUL replaced, as the HTML5 parsing algorithm (and so the
/// page) does.
pub fn as_parsed(value: &str) -> String {
    value.replace("&quot;", "\"").replace('\u{0}', "\u{fffd}")
}

/// A root that is found and sized, whose `data-duration` and `data-fps` (when given) take edge
/// values, as `(html, duration, fps)`.
pub fn timed_root() -> impl Strategy<Value = (String, Option<String>, Option<String>)> {
    (
        prop::option::of(attribute_value()),
        prop::option::of(attribute_value()),
        prop::bool::ANY,
    )
        .prop_map(|(duration, fps, single_quotes)| {
            let quote = if single_quotes { '\'' } else { '"' };
            // A value holding its own quote would end early; that case is the structured
            // documents' business, here the value must arrive whole.
            let unquoted = |value: Option<String>| value.map(|value| value.replace(quote, ""));
            let (duration, fps) = (unquoted(duration), unquoted(fps));
            let mut html = String::from(
                "<div data-composition-id=\"main\" data-width=\"8\" data-height=\"8\"",
            );
            for (name, value) in [("data-duration", &duration), ("data-fps", &fps)] {
                if let Some(value) = value {
                    html.push_str(&format!("\n  {name}={quote}{value}{quote}"));
                }
            }
            html.push_str("></div>");
            (html, duration, fps)
        })
}
