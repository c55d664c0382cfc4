//! The code shown in the report, cut from gilbench's own source at build time (`include_str!`
//! and `lesson-code` markers), so the code on the page is always the code that was measured.

/// One source file the report quotes from.
struct Source {
    language: &'static str,
    path: &'static str,
    text: &'static str,
}

const SOURCES: [Source; 5] = [
    Source {
        language: "rust",
        path: "core/src/workload.rs",
        text: include_str!("../../core/src/workload.rs"),
    },
    Source {
        language: "rust",
        path: "core/src/bench.rs",
        text: include_str!("../../core/src/bench.rs"),
    },
    Source {
        language: "rust",
        path: "core/src/executor/mod.rs",
        text: include_str!("../../core/src/executor/mod.rs"),
    },
    Source {
        language: "rust",
        path: "core/src/lesson.rs",
        text: include_str!("../../core/src/lesson.rs"),
    },
    Source {
        language: "python",
        path: "core/src/runtime/cpython/cpython_driver.py",
        text: include_str!("../../core/src/runtime/cpython/cpython_driver.py"),
    },
];

/// A quoted piece of code.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Snippet {
    /// The marker's name (burn_cpu, fake_io, bench, pool, scenarios).
    pub name: String,
    /// rust or python.
    pub language: String,
    /// The file it comes from.
    pub path: String,
    /// The code, without the marker lines.
    pub code: String,
}

/// The snippet called `name` in `language`, if the source has one.
pub fn snippet(language: &str, name: &str) -> Option<Snippet> {
    let source = SOURCES.iter().find(|s| s.language == language && has_marker(s.text, name))?;
    let start = format!("lesson-code: {name}");
    let mut lines = source.text.lines().skip_while(|line| !line.trim_start().ends_with(&start));
    lines.next()?;
    let body: Vec<&str> =
        lines.take_while(|line| !line.trim_start().ends_with("end-lesson-code")).collect();
    Some(Snippet {
        name: name.to_string(),
        language: language.to_string(),
        path: source.path.to_string(),
        code: dedent(&body),
    })
}

fn has_marker(text: &str, name: &str) -> bool {
    let start = format!("lesson-code: {name}");
    text.lines().any(|line| line.trim_start().ends_with(&start))
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut code: Vec<&str> = lines.iter().map(|line| line.get(indent..).unwrap_or("")).collect();
    while code.last().is_some_and(|line| line.trim().is_empty()) {
        code.pop();
    }
    code.join("\n")
}

/// Every snippet the report shows: (language, name) pairs.
pub const REPORT_SNIPPETS: [(&str, &str); 8] = [
    ("rust", "burn_cpu"),
    ("rust", "fake_io"),
    ("rust", "bench"),
    ("rust", "pool"),
    ("rust", "scenarios"),
    ("python", "burn_cpu"),
    ("python", "fake_io"),
    ("python", "bench"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_snippet_the_report_shows_exists_and_holds_code() {
        for (language, name) in REPORT_SNIPPETS {
            let snippet =
                snippet(language, name).unwrap_or_else(|| panic!("{language} {name} missing"));
            assert!(snippet.code.lines().count() >= 3, "{language} {name}: {}", snippet.code);
            assert!(!snippet.code.contains("lesson-code"), "{language} {name}");
        }
        assert!(snippet("rust", "burn_cpu").expect("burn_cpu").code.contains("fn burn_cpu"));
        assert!(snippet("python", "bench").expect("bench").code.contains("as_completed"));
    }
}
