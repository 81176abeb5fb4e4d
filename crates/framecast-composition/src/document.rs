//! The one parse of a composition's HTML, with html5ever (through `scraper`), the HTML5 parsing
//! algorithm browsers implement: attribute names are case-insensitive, values may be quoted
//! either way or not at all, character references are decoded, the first of two attributes of
//! the same name wins, script and style contents are text, and a `<template>`'s content is kept
//! out of the document tree. So what this crate finds is what the page's `querySelector` finds.

use scraper::{ElementRef, Html};

/// A parsed HTML document.
pub(crate) struct Document {
    html: Html,
}

impl Document {
    pub(crate) fn parse(text: &str) -> Self {
        Document {
            html: Html::parse_document(text),
        }
    }

    /// A document parsed elsewhere in this crate (`source.rs` parses with a sink that notes
    /// lines, into the same tree).
    pub(crate) fn from_html(html: Html) -> Self {
        Document { html }
    }

    /// The parsed tree, template contents included.
    pub(crate) fn html(&self) -> &Html {
        &self.html
    }

    /// The `<html>` element, which every parsed document has.
    pub(crate) fn html_element(&self) -> ElementRef<'_> {
        self.html.root_element()
    }

    /// Every element of the document tree in document order, as `querySelectorAll("*")` lists
    /// them.
    pub(crate) fn elements(&self) -> Vec<ElementRef<'_>> {
        let mut found = vec![self.html_element()];
        found.extend(descendants(self.html_element()));
        found
    }

    /// Every element of the file in document order, `<template>` contents included: what the
    /// file names, whether or not it is in the document tree.
    pub(crate) fn all_elements(&self) -> impl Iterator<Item = ElementRef<'_>> {
        self.html
            .tree
            .root()
            .descendants()
            .filter_map(ElementRef::wrap)
    }

    /// The composition root as the runtime finds it (`findRoot` in runtime-js/runtime.js): the
    /// first element with `data-composition-id`, else the first with `data-root="true"`.
    pub(crate) fn root(&self) -> Option<ElementRef<'_>> {
        let elements = self.elements();
        let marked = elements
            .iter()
            .find(|element| element.value().attr("data-composition-id").is_some());
        marked
            .or_else(|| {
                elements
                    .iter()
                    .find(|element| element.value().attr("data-root") == Some("true"))
            })
            .copied()
    }
}

/// The elements below `element` in document order. A template's content hangs below the
/// template as a fragment node rather than an element, so the walk, which follows elements
/// only, leaves it out as the DOM does. The walk keeps its own stack: nesting depth is the
/// input's to choose.
pub(crate) fn descendants(element: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let mut found = Vec::new();
    let mut stack: Vec<ElementRef<'_>> = element
        .children()
        .rev()
        .filter_map(ElementRef::wrap)
        .collect();
    while let Some(next) = stack.pop() {
        found.push(next);
        stack.extend(next.children().rev().filter_map(ElementRef::wrap));
    }
    found
}

/// An attribute's value as the DOM's `getAttribute` gives it.
pub(crate) fn attribute(element: ElementRef<'_>, name: &str) -> Option<String> {
    element.value().attr(name).map(str::to_string)
}

/// A short description of an element for messages: `<div id="intro">`, else its
/// `data-composition-id`, else its classes, else only its tag.
pub(crate) fn describe(element: ElementRef<'_>) -> String {
    let tag = element.value().name();
    let value = element.value();
    if let Some(id) = value.attr("id") {
        format!("<{tag} id=\"{id}\">")
    } else if let Some(id) = value.attr("data-composition-id") {
        format!("<{tag} data-composition-id=\"{id}\">")
    } else if let Some(class) = value.attr("class") {
        format!("<{tag} class=\"{class}\">")
    } else {
        format!("<{tag}>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(document: &Document) -> Vec<String> {
        document
            .elements()
            .iter()
            .filter_map(|element| attribute(*element, "id"))
            .collect()
    }

    #[test]
    fn template_content_and_raw_text_hold_no_elements() {
        let document = Document::parse(
            r#"<head><script>document.write('<p id="in-script">')</script>
               <style>/* <p id="in-style"> */</style><title><p id="in-title"></title></head>
               <body><p id="a"></p><template id="t"><p id="in-template"><template><p id="deeper"></p></template></p></template>
               <noscript><p id="in-noscript"></p></noscript><textarea><p id="in-textarea"></textarea><p id="b"></p></body>"#,
        );
        assert_eq!(ids(&document), ["a", "t", "b"]);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let depth = 5_000;
        let text = format!(
            "{}<p id=\"deep\">{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let document = Document::parse(&text);
        assert_eq!(ids(&document), ["deep"]);
    }
}
