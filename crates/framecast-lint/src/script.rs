//! Reading inline scripts without running them: the code with comments blanked (strings kept,
//! for ids and URLs), the code with strings blanked too (for calls and nesting), both the same
//! length as the source so that an offset in either is an offset in the file.

/// One inline script of a file.
pub(crate) struct Script<'a> {
    /// Where the code starts in its file.
    pub offset: usize,
    /// The code with comments replaced by spaces.
    pub code: String,
    /// The code with comments, string, template and regular-expression contents replaced by
    /// spaces (the quotes stay).
    pub bare: String,
    pub element: &'a framecast_composition::SourceElement,
}

impl<'a> Script<'a> {
    pub(crate) fn new(
        element: &'a framecast_composition::SourceElement,
        offset: usize,
        source: &str,
    ) -> Self {
        let (code, bare) = blank(source);
        Script {
            offset,
            code,
            bare,
            element,
        }
    }

    /// The openers (`(`, `{`, `[`) that enclose `at`, outermost first, as offsets in the code.
    pub(crate) fn enclosing(&self, at: usize) -> Vec<usize> {
        let mut open = Vec::new();
        for (index, byte) in self.bare.bytes().enumerate().take(at) {
            match byte {
                b'(' | b'{' | b'[' => open.push(index),
                b')' | b'}' | b']' => {
                    open.pop();
                }
                _ => {}
            }
        }
        open
    }

    /// The identifier just before offset `at` in the bare code (`setTimeout` for the `(` of
    /// `setTimeout(`), with what precedes it up to 40 bytes, for context.
    pub(crate) fn callee_before(&self, at: usize) -> (&str, &str) {
        let head = self.bare[..at].trim_end();
        let start = head
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .map_or(0, |index| index + 1);
        let context_start = floor_char_boundary(head, start.saturating_sub(40));
        (&head[start..], &head[context_start..start])
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Code,
    LineComment,
    BlockComment,
    Quote(u8),
    Template,
    Regex { in_class: bool },
}

/// The code with comments blanked, and with comments and literal contents blanked.
fn blank(source: &str) -> (String, String) {
    let bytes = source.as_bytes();
    let mut code = bytes.to_vec();
    let mut bare = bytes.to_vec();
    // Template literals hold code in `${…}`: the stack remembers how many braces deep the code
    // of each open substitution is.
    let mut stack: Vec<(State, usize)> = Vec::new();
    let mut state = State::Code;
    let mut depth = 0usize;
    let mut last_significant = b'(';
    let mut index = 0;
    let space = |buffer: &mut Vec<u8>, at: usize| {
        if buffer[at] != b'\n' {
            buffer[at] = b' ';
        }
    };
    while index < bytes.len() {
        let byte = bytes[index];
        let next = bytes.get(index + 1).copied();
        match state {
            State::Code => match byte {
                b'/' if next == Some(b'/') => state = State::LineComment,
                b'/' if next == Some(b'*') => state = State::BlockComment,
                b'/' if b"(,=:[!&|?{};+-*%<>~^".contains(&last_significant) => {
                    state = State::Regex { in_class: false };
                    last_significant = b'/';
                }
                b'\'' | b'"' => state = State::Quote(byte),
                b'`' => state = State::Template,
                b'{' => depth += 1,
                b'}' => {
                    if stack
                        .last()
                        .is_some_and(|&(_, open_depth)| open_depth == depth)
                    {
                        stack.pop();
                        state = State::Template;
                        index += 1;
                        continue;
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            },
            State::LineComment if byte == b'\n' => state = State::Code,
            State::BlockComment if byte == b'*' && next == Some(b'/') => {
                space(&mut code, index);
                space(&mut bare, index);
                space(&mut code, index + 1);
                space(&mut bare, index + 1);
                index += 2;
                state = State::Code;
                continue;
            }
            State::Quote(quote) => {
                if byte == b'\\' {
                    space(&mut bare, index);
                    if index + 1 < bytes.len() {
                        space(&mut bare, index + 1);
                    }
                    index += 2;
                    continue;
                }
                if byte == quote || byte == b'\n' {
                    state = State::Code;
                    last_significant = b'"';
                    index += 1;
                    continue;
                }
                space(&mut bare, index);
            }
            State::Template => {
                if byte == b'\\' {
                    space(&mut bare, index);
                    if index + 1 < bytes.len() {
                        space(&mut bare, index + 1);
                    }
                    index += 2;
                    continue;
                }
                if byte == b'`' {
                    state = State::Code;
                    last_significant = b'"';
                    index += 1;
                    continue;
                }
                if byte == b'$' && next == Some(b'{') {
                    depth += 1;
                    stack.push((State::Template, depth));
                    state = State::Code;
                    index += 2;
                    continue;
                }
                space(&mut bare, index);
            }
            State::Regex { in_class } => {
                match byte {
                    b'\\' => {
                        space(&mut bare, index);
                        if index + 1 < bytes.len() {
                            space(&mut bare, index + 1);
                        }
                        index += 2;
                        continue;
                    }
                    b'[' => state = State::Regex { in_class: true },
                    b']' => state = State::Regex { in_class: false },
                    b'/' if !in_class => {
                        state = State::Code;
                        last_significant = b'"';
                        index += 1;
                        continue;
                    }
                    b'\n' => state = State::Code,
                    _ => {}
                }
                space(&mut bare, index);
            }
            _ => {}
        }
        if matches!(state, State::LineComment | State::BlockComment) {
            space(&mut code, index);
            space(&mut bare, index);
        } else if state == State::Code && !byte.is_ascii_whitespace() {
            last_significant = byte;
        }
        index += 1;
    }
    // Blanking replaces whole UTF-8 sequences byte by byte with spaces, so both stay valid.
    let text = |buffer: Vec<u8>| {
        String::from_utf8(buffer)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    };
    (text(code), text(bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_literals_are_blanked_in_place() {
        let source = "const a = \"x // y\"; // note\nlet r = /a\\/b/g; /* é */ f(`t ${g('q')} u`);";
        let (code, bare) = blank(source);
        assert_eq!(code.len(), source.len());
        assert_eq!(bare.len(), source.len());
        assert!(code.contains("\"x // y\"") && !code.contains("note") && !code.contains('é'));
        assert!(!bare.contains("x //") && bare.contains("f(`"));
        assert!(bare.contains("g(' ')"), "{bare}");
        assert!(!bare.contains("a\\/b"), "{bare}");
    }
}
