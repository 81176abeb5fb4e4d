//! A composition file as its author wrote it, for tools that point at lines: every element of the
//! one html5ever parse (template contents included) with its attributes, where its start tag is
//! in the file, whether it is the composition root or below it, and the raw text of its
//! `<script>` and `<style>` elements. The render never uses this view; `framecast lint` does.
//!
//! html5ever tells its tree sink the line of each token it processes, so the sink here wraps
//! scraper's and notes the line each element was created on (the line where its start tag
//! ends). The column is then found on the text: the last `<name` at or before that line's end
//! and after the previous element's start tag, which is the tag itself for every element the
//! file spells out (elements the parser implies, such as a missing `<body>`, take the previous
//! element's position).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{ElementRef, Html, HtmlTreeSink};

use crate::CompositionError;
use crate::clips::is_timed;
use crate::document::{Document, describe};

/// A line and column in a file, both counted from 1; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// One element of a composition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceElement {
    /// The tag name, lower case as the parser gives it.
    pub tag: String,
    /// The attributes as the DOM has them: names lower case, values decoded, the first of two of
    /// the same name kept.
    pub attributes: Vec<(String, String)>,
    /// The byte offset of its start tag's `<` in the file.
    pub offset: usize,
    /// The index in [`SourceFile::elements`] of its parent element; `None` for `<html>` and
    /// for the top elements of a template's content.
    pub parent: Option<usize>,
    /// How messages name it, e.g. `<div id="intro">`.
    pub describe: String,
    /// Inside a `<template>`'s content, which is not part of the document until mounted.
    pub in_template: bool,
    /// The document's composition root (the element the runtime takes as root).
    pub is_root: bool,
    /// Below the document's composition root.
    pub in_root: bool,
    /// A timed element below the root: one of the composition's clips.
    pub is_clip: bool,
    /// The raw text of a `<script>` or `<style>` and its byte offset in the file.
    pub text: Option<(usize, String)>,
}

impl SourceElement {
    /// An attribute's value, as `getAttribute` gives it.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(attribute, _)| attribute == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }
}

/// A composition file, parsed, with each element's place in it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Every element of the file in document order, template contents included.
    pub elements: Vec<SourceElement>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Reads and parses the file at `path`.
    pub fn load(path: &Path) -> Result<Self, CompositionError> {
        let text = std::fs::read_to_string(path).map_err(|source| CompositionError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(SourceFile::parse(text, path.to_path_buf()))
    }

    /// Parses `text`, the content of the file `path`.
    pub fn parse(text: String, path: PathBuf) -> Self {
        let sink = LineSink {
            inner: HtmlTreeSink::new(Html::new_document()),
            line: Cell::new(1),
            created: RefCell::new(Vec::new()),
        };
        let (html, created) =
            html5ever::parse_document(sink, Default::default()).one(text.as_str());
        let line_starts = line_starts(&text);
        let offsets = tag_offsets(&text, &line_starts, &html, &created);
        let document = Document::from_html(html);
        let elements = collect(&document, &text, &offsets);
        SourceFile {
            path,
            text,
            elements,
            line_starts,
        }
    }

    /// The line and column of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The file's `<script>` elements with inline code, as (element, code offset, code).
    pub fn inline_scripts(&self) -> impl Iterator<Item = (&SourceElement, usize, &str)> {
        self.elements
            .iter()
            .filter(|element| element.tag == "script" && !element.has_attr("src"))
            .filter_map(|element| {
                let (offset, code) = element.text.as_ref()?;
                Some((element, *offset, code.as_str()))
            })
    }

    /// The file's `<style>` elements, as (element, CSS offset, CSS).
    pub fn styles(&self) -> impl Iterator<Item = (&SourceElement, usize, &str)> {
        self.elements
            .iter()
            .filter(|element| element.tag == "style")
            .filter_map(|element| {
                let (offset, css) = element.text.as_ref()?;
                Some((element, *offset, css.as_str()))
            })
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(index, _)| index + 1))
        .collect()
}

type Handle = <HtmlTreeSink as TreeSink>::Handle;

/// scraper's tree sink, noting the line each element is created on.
struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<u64>,
    created: RefCell<Vec<(Handle, u64)>>,
}

/// The byte offset of each element's start tag, by node. Elements are created in the order
/// their start tags appear, so each is searched for after the previous one, skipping comments
/// and the text of raw-text elements (a `<p>` in a script's string is no tag); a tag found past
/// the line the parser reported is not this one, and the last one on that line is taken.
fn tag_offsets(
    text: &str,
    line_starts: &[usize],
    html: &Html,
    created: &[(Handle, u64)],
) -> HashMap<Handle, usize> {
    let lower = text.to_ascii_lowercase();
    let mut cursor = 0;
    let mut offsets = HashMap::with_capacity(created.len());
    for &(id, line) in created {
        let Some(name) = html
            .tree
            .get(id)
            .and_then(|node| node.value().as_element())
            .map(|element| element.name().to_string())
        else {
            continue;
        };
        let line_end = usize::try_from(line)
            .ok()
            .and_then(|line| line_starts.get(line))
            .copied()
            .unwrap_or(text.len());
        let found = find_tag_after(&lower, &name, cursor)
            .filter(|&offset| offset < line_end)
            .or_else(|| find_tag_before(&lower, &name, cursor, line_end));
        let Some(offset) = found else {
            offsets.insert(id, cursor);
            continue;
        };
        offsets.insert(id, offset);
        cursor = offset + 1;
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            if let Some(end) = lower[cursor..].find(&close) {
                cursor += end;
            }
        }
    }
    offsets
}

/// Elements whose content is text, not markup, up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

fn is_tag_at(lower: &str, index: usize, needle: &str) -> bool {
    lower[index + needle.len()..]
        .chars()
        .next()
        .is_none_or(|next| next.is_ascii_whitespace() || next == '/' || next == '>')
}

/// The first `<name` at or after `from`, outside comments.
fn find_tag_after(lower: &str, name: &str, mut from: usize) -> Option<usize> {
    let needle = format!("<{name}");
    loop {
        let rest = lower.get(from..)?;
        let tag = rest
            .match_indices(&needle)
            .map(|(index, _)| from + index)
            .find(|&index| is_tag_at(lower, index, &needle));
        let comment = rest.find("<!--").map(|index| from + index);
        match (tag, comment) {
            (Some(tag), Some(comment)) if comment < tag => {
                from = lower[comment + 4..]
                    .find("-->")
                    .map_or(lower.len(), |end| comment + 4 + end + 3);
            }
            (tag, _) => return tag,
        }
    }
}

/// The last `<name` starting in `from..before`.
fn find_tag_before(lower: &str, name: &str, from: usize, before: usize) -> Option<usize> {
    let needle = format!("<{name}");
    let window = lower.get(from..before.min(lower.len()))?;
    window
        .match_indices(&needle)
        .map(|(index, _)| from + index)
        .filter(|&index| is_tag_at(lower, index, &needle))
        .last()
}

fn collect(
    document: &Document,
    text: &str,
    offsets: &HashMap<Handle, usize>,
) -> Vec<SourceElement> {
    let root = document.root().map(|root| root.id());
    let mut elements = Vec::new();
    let mut index_of = HashMap::new();
    for node in document.html().tree.root().descendants() {
        let Some(element) = ElementRef::wrap(node) else {
            continue;
        };
        let offset = offsets.get(&element.id()).copied().unwrap_or(0);
        let parent = element
            .parent()
            .and_then(|parent| index_of.get(&parent.id()).copied());
        index_of.insert(element.id(), elements.len());
        let in_template = element
            .ancestors()
            .any(|ancestor| ancestor.value().is_fragment());
        let in_root = !in_template
            && root.is_some_and(|root| element.ancestors().any(|ancestor| ancestor.id() == root));
        let tag = element.value().name().to_string();
        let raw_text = matches!(tag.as_str(), "script" | "style").then(|| {
            let content: String = element.text().collect();
            let at = text
                .get(offset..)
                .and_then(|rest| rest.find(content.as_str()))
                .map_or(offset, |found| offset + found);
            (at, content)
        });
        elements.push(SourceElement {
            attributes: element
                .value()
                .attrs()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            describe: describe(element),
            in_template,
            is_root: root == Some(element.id()),
            in_root,
            is_clip: in_root && is_timed(element),
            text: raw_text,
            offset,
            parent,
            tag,
        });
    }
    elements
}

impl TreeSink for LineSink {
    type Handle = Handle;
    type Output = (Html, Vec<(Handle, u64)>);
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Self::Output {
        (self.inner.finish(), self.created.into_inner())
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }

    fn get_document(&self) -> Handle {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let handle = self.inner.create_element(name, attrs, flags);
        self.created.borrow_mut().push((handle, self.line.get()));
        handle
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.inner.append(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        self.inner
            .append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Handle) {
        self.inner.mark_script_already_started(node);
    }

    fn pop(&self, node: &Handle) {
        self.inner.pop(node);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        self.inner.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &Handle,
        form: &Handle,
        nodes: (&Handle, Option<&Handle>),
    ) {
        self.inner.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.inner.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number);
        self.inner.set_current_line(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &Handle) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &Handle,
        template: &Handle,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &Handle) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> SourceFile {
        SourceFile::parse(text.to_string(), PathBuf::from("index.html"))
    }

    fn position_of(file: &SourceFile, id: &str) -> Position {
        let element = file
            .elements
            .iter()
            .find(|element| element.attr("id") == Some(id))
            .expect("the element should be found");
        file.position(element.offset)
    }

    #[test]
    fn elements_know_their_line_and_column() {
        let file = parse(
            "<!doctype html>\n<html><body>\n  <div id=\"root\" data-composition-id=\"main\"\n       data-width=\"4\" data-height=\"4\">\n    <p id=\"a\" data-start=\"0\">x</p><p id=\"b\">y</p>\n  </div>\n<script>const s = '<p id=\"fake\">';</script>\n</body></html>",
        );
        assert_eq!(position_of(&file, "root"), Position { line: 3, column: 3 });
        assert_eq!(position_of(&file, "a"), Position { line: 5, column: 5 });
        assert_eq!(
            position_of(&file, "b"),
            Position {
                line: 5,
                column: 35
            }
        );
        let root = file.elements.iter().find(|e| e.is_root).unwrap();
        assert_eq!(root.attr("data-composition-id"), Some("main"));
        let a = file
            .elements
            .iter()
            .find(|e| e.attr("id") == Some("a"))
            .unwrap();
        assert!(a.in_root && a.is_clip && !a.in_template);
        let parent = &file.elements[a.parent.unwrap()];
        assert_eq!(parent.attr("id"), Some("root"));
        let (element, offset, code) = file.inline_scripts().next().unwrap();
        assert_eq!(element.tag, "script");
        assert!(code.starts_with("const s"));
        assert_eq!(file.position(offset), Position { line: 7, column: 9 });
    }

    #[test]
    fn template_content_is_listed_and_marked() {
        let file = parse(
            "<template id=\"t\">\n<div id=\"inner\" data-composition-id=\"sub\" data-start=\"0\"></div></template>",
        );
        let inner = file
            .elements
            .iter()
            .find(|e| e.attr("id") == Some("inner"))
            .unwrap();
        assert!(inner.in_template && !inner.in_root && !inner.is_root);
        assert_eq!(position_of(&file, "inner"), Position { line: 2, column: 1 });
    }
}
