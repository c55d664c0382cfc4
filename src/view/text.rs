//! The report's prose is written once, in Markdown (templates/prose.tera): report.md prints
//! it, and report.html renders it here with pulldown-cmark. Raw HTML in the text is shown as
//! text, never passed through, so a hostile value cannot inject markup into the page.

use pulldown_cmark::{Event, Parser, html};

fn events(text: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new(text).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    })
}

/// `text` as HTML blocks (`<p>...</p>`, lists).
pub fn to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 5 / 4);
    html::push_html(&mut out, events(text));
    out.trim_end().to_string()
}

/// One paragraph of `text` as inline HTML, without its `<p>` (for list items, captions).
pub fn to_inline_html(text: &str) -> String {
    let block = to_html(text);
    block
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
        .map_or(block.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_escaped_html() {
        assert_eq!(
            to_html("a *b* `c` **d**"),
            "<p>a <em>b</em> <code>c</code> <strong>d</strong></p>"
        );
        assert_eq!(to_inline_html("x `<run folder>`"), "x <code>&lt;run folder&gt;</code>");
        assert_eq!(
            to_inline_html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(to_inline_html("&lt;b&gt; \\*"), "&lt;b&gt; *");
    }
}
