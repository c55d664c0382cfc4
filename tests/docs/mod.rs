//! The README stays short and its links, and those of the pages it links to, resolve: every
//! relative link names a file of the repository, and every `#anchor` a heading of that file
//! (as GitHub derives its id).

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The README's size limit, in bytes.
const README_LIMIT: u64 = 8 * 1024;

/// GitHub's id for a heading: lower case, spaces to dashes, punctuation other than `-` and
/// `_` dropped.
fn slug(heading: &str) -> String {
    gilbench::view::section::slug(heading.trim())
}

fn headings(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H6 => {
                current = Some(String::new());
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = current.as_mut() {
                    heading.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => found.extend(current.take().map(|h| slug(&h))),
            _ => {}
        }
    }
    found
}

fn links(markdown: &str) -> Vec<String> {
    Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.into_string())
            }
            _ => None,
        })
        .collect()
}

/// Every broken link of `file`, in words; the Markdown files it links to are added to `more`.
fn broken_links(file: &Path, more: &mut Vec<PathBuf>) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut broken = Vec::new();
    for link in links(&text) {
        if link.starts_with("http://") || link.starts_with("https://") {
            continue;
        }
        let (path, anchor) =
            link.split_once('#').map_or((link.as_str(), None), |(p, a)| (p, Some(a)));
        let target = if path.is_empty() {
            file.to_path_buf()
        } else {
            file.parent().expect("a folder").join(path)
        };
        if !target.exists() {
            broken.push(format!("{}: {link}: no such file", file.display()));
            continue;
        }
        if target.extension().is_some_and(|e| e == "md") {
            more.push(target.clone());
            if let Some(anchor) = anchor {
                let body = std::fs::read_to_string(&target).expect("a readable page");
                if !headings(&body).iter().any(|h| h == anchor) {
                    broken.push(format!("{}: {link}: no such heading", file.display()));
                }
            }
        }
    }
    broken
}

#[test]
fn the_readme_is_short_and_every_link_resolves() {
    let readme = Path::new(ROOT).join("README.md");
    let size = std::fs::metadata(&readme).expect("README.md").len();
    assert!(size < README_LIMIT, "README.md is {size} bytes, over {README_LIMIT}");
    let mut pages = vec![readme];
    let mut seen = std::collections::BTreeSet::new();
    let mut broken = Vec::new();
    while let Some(page) = pages.pop() {
        let page = page.canonicalize().expect("an existing page");
        if seen.insert(page.clone()) {
            broken.extend(broken_links(&page, &mut pages));
        }
    }
    assert!(seen.len() >= 6, "the README links to its pages: {seen:?}");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn headings_become_githubs_ids() {
    assert_eq!(slug("Checked in a real browser"), "checked-in-a-real-browser");
    assert_eq!(slug("The report: `gilbench report`"), "the-report-gilbench-report");
    assert_eq!(slug("Python's concurrency in 2026"), "pythons-concurrency-in-2026");
}

/// `scripts/docs_figures.py --check` over the tree at `root`: its exit status and what it said.
fn figures_check(root: &Path) -> Option<(bool, String)> {
    let python = crate::common::python3("the docs' figures check")?;
    let output = std::process::Command::new(python)
        .arg(Path::new(ROOT).join("scripts/docs_figures.py"))
        .args(["--check", "--root"])
        .arg(root)
        .env("GILBENCH", env!("CARGO_BIN_EXE_gilbench"))
        .output()
        .expect("python3");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some((output.status.success(), said))
}

#[test]
fn every_figure_of_the_docs_comes_from_the_run_its_command_produced() {
    let Some((ok, said)) = figures_check(Path::new(ROOT)) else { return };
    assert!(ok, "{said}");
    assert!(said.contains("figures match their data"), "{said}");
}

/// Copies `from` into `to`, folders included.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_figure_typed_by_hand_or_without_its_data_fails_the_check() {
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::copy(Path::new(ROOT).join("README.md"), root.path().join("README.md")).expect("copy");
    copy_tree(&Path::new(ROOT).join("docs"), &root.path().join("docs"));
    let readme = root.path().join("README.md");
    let text = std::fs::read_to_string(&readme).expect("README.md");
    let start = text.find("<!-- figure lesson -->").expect("the lesson's figure");
    // One digit of the figure changed, as a hand would.
    let at = start + text[start..].find(" s ").expect("a time") - 1;
    let digit = if &text[at..=at] == "9" { "1" } else { "9" };
    let edited = format!("{}{digit}{}", &text[..at], &text[at + 1..]);
    std::fs::write(&readme, edited).expect("write");
    let Some((ok, said)) = figures_check(root.path()) else { return };
    assert!(!ok && said.contains("figure lesson differs"), "{said}");
    // The block back as it was, its data gone.
    std::fs::write(&readme, &text).expect("write");
    std::fs::remove_dir_all(root.path().join("docs/figures/parse-json")).expect("rm");
    let Some((ok, said)) = figures_check(root.path()) else { return };
    assert!(!ok && said.contains("figure parse-json: its data cannot be read"), "{said}");
}
