//! The layers of ARCHITECTURE.md, checked: every `crate::module` path in the sources of both
//! crates (comments aside) names a module at or below its own layer. An upward edge, such as
//! the runner calling the analysis, fails here with the file and the line.

use std::path::{Path, PathBuf};

/// gilbench-core's modules, bottom first; a module may use those before it.
const CORE: &[&str] = &[
    "model",
    "point",
    "stats",
    "host",
    "clock",
    "memory",
    "reference",
    "error",
    "limits",
    "workload",
    "function",
    "executor",
    "bench",
    "runtime",
    "verdict",
    "lesson",
];

/// gilbench's modules above the engine (whose modules it re-exports under their own names),
/// bottom first. `record` is the table macro `results` exports at the crate root.
const GILBENCH: &[&str] = &[
    "view", "display", "machine", "plan", "progress", "record", "results", "runner", "analysis",
    "charts", "overhead", "report", "session",
];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The upward edges of the crate in `root` whose layers are `order` (modules of a lower crate
/// count as below every layer).
fn upward_edges(root: &Path, order: &[&str], below: &[&str]) -> Vec<String> {
    let level = |module: &str| order.iter().position(|m| *m == module);
    let mut files = Vec::new();
    sources(root, &mut files);
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).expect("inside the root");
        let first = relative.components().next().expect("a component");
        let own = first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
        // The crate roots and the binaries sit above every layer.
        let Some(own_level) = level(&own) else { continue };
        let text = std::fs::read_to_string(&file).expect("readable");
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (at, _) in line.match_indices("crate::") {
                let name: String = line[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                match level(&name) {
                    Some(used) if used > own_level => found.push(format!(
                        "{}:{}: {own} uses {name}, a layer above it",
                        file.display(),
                        number + 1
                    )),
                    Some(_) => {}
                    None if below.contains(&name.as_str()) => {}
                    // Items of the crate root (re-exports such as MAX_WORKERS).
                    None if name.chars().next().is_some_and(char::is_uppercase) => {}
                    None => found.push(format!(
                        "{}:{}: {own} uses {name}, a module no layer lists",
                        file.display(),
                        number + 1
                    )),
                }
            }
        }
    }
    found
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut edges = upward_edges(&root.join("core/src"), CORE, &[]);
    edges.extend(upward_edges(&root.join("src"), GILBENCH, CORE));
    assert!(edges.is_empty(), "upward edges:\n{}", edges.join("\n"));
}

#[test]
fn the_check_finds_an_upward_edge() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("runner")).expect("mkdir");
    std::fs::write(dir.path().join("runner/mod.rs"), "use crate::analysis::summary;\n")
        .expect("write");
    std::fs::write(dir.path().join("analysis.rs"), "// crate::session in a comment\n")
        .expect("write");
    let edges = upward_edges(dir.path(), GILBENCH, CORE);
    assert_eq!(edges.len(), 1, "{edges:?}");
    assert!(edges[0].contains("runner uses analysis"), "{edges:?}");
}
