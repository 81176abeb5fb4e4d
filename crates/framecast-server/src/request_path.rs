//! Turning a request's URL path into a relative file path, and a relative file path into a URL
//! path. Pure string work: nothing here touches the file system.
//!
//! Decoding happens before any check, so `%2e%2e` is caught as `..` and `%2f` splits a segment
//! just as `/` does. A path that could leave the served directory is refused here, before the
//! file system is asked; symlinks are the resolver's business.

use std::path::{Component, Path, PathBuf};

/// Why a request path was refused before the file system was consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRejection {
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8 once decoded.
    Malformed,
    /// A `..` segment, a NUL byte, a backslash, or a Windows drive prefix: an attempt to name
    /// something outside the served directory.
    Traversal,
}

/// Decodes a URL path (`/a/b%20c.html`) into a path relative to the served directory
/// (`a/b c.html`). Empty and `.` segments are dropped, so `//x` and `/./x` both name `x`; the
/// empty result names the directory itself.
pub(crate) fn decode(url_path: &str) -> Result<PathBuf, PathRejection> {
    let decoded = percent_decode(url_path)?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(PathRejection::Traversal),
            _ if segment.contains(['\\', '\0']) || has_drive_prefix(segment) => {
                return Err(PathRejection::Traversal);
            }
            _ => relative.push(segment),
        }
    }
    Ok(relative)
}

/// Encodes a path relative to the served directory as a URL path without the leading slash.
/// Only the path's ordinary components are used: a leading `/` or `.` carries no meaning here.
pub(crate) fn encode(relative: &Path) -> String {
    let mut encoded = String::new();
    for component in relative.components() {
        let Component::Normal(segment) = component else {
            continue;
        };
        if !encoded.is_empty() {
            encoded.push('/');
        }
        for byte in segment.to_string_lossy().bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
                encoded.push(char::from(byte));
            } else {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    encoded
}

fn percent_decode(input: &str) -> Result<String, PathRejection> {
    let bytes = input.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let high = bytes.get(index + 1).and_then(|b| hex_value(*b));
            let low = bytes.get(index + 2).and_then(|b| hex_value(*b));
            let (Some(high), Some(low)) = (high, low) else {
                return Err(PathRejection::Malformed);
            };
            decoded.push(high << 4 | low);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| PathRejection::Malformed)
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .map(|digit| u8::try_from(digit).expect("should be a hex digit below 16"))
}

/// `C:` and the like: harmless on Unix, but a path the server should never be asked for.
fn has_drive_prefix(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plain_and_percent_encoded_paths() {
        assert_eq!(decode("/index.html"), Ok(PathBuf::from("index.html")));
        assert_eq!(decode("/a%20b/c.js"), Ok(PathBuf::from("a b/c.js")));
        assert_eq!(decode("/caf%C3%A9.png"), Ok(PathBuf::from("café.png")));
        assert_eq!(decode("/"), Ok(PathBuf::new()));
        assert_eq!(decode("//x/./y"), Ok(PathBuf::from("x/y")));
    }

    #[test]
    fn refuses_traversal_however_it_is_spelled() {
        for path in [
            "/../secret",
            "/%2e%2e/secret",
            "/%2E%2E/secret",
            "/a/..%2fsecret",
            "/a/%2e%2e%2f%2e%2e/secret",
            "/a\\..\\secret",
            "/a%5c..%5csecret",
            "/nul%00byte",
            "/C:/Windows",
        ] {
            assert_eq!(decode(path), Err(PathRejection::Traversal), "{path}");
        }
    }

    #[test]
    fn refuses_malformed_escapes() {
        assert_eq!(decode("/bad%zz"), Err(PathRejection::Malformed));
        assert_eq!(decode("/short%4"), Err(PathRejection::Malformed));
        assert_eq!(decode("/notutf8%ff"), Err(PathRejection::Malformed));
    }

    #[test]
    fn encodes_what_decode_reads_back() {
        let path = Path::new("sub dir/caf\u{e9}#1?.html");
        let encoded = encode(path);
        assert_eq!(encoded, "sub%20dir/caf%C3%A9%231%3F.html");
        assert_eq!(decode(&format!("/{encoded}")), Ok(path.to_path_buf()));
        assert_eq!(encode(Path::new("/abs/./x.js")), "abs/x.js");
    }
}
