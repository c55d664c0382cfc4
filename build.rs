//! Build script: records the git commit and the rustc version the binary was built from, for
//! `gilbench machine` and every run's machine.json. Missing git or rustc gives "unknown".

use std::process::Command;

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit =
        output("git", &["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    // --no-optional-locks: `git status` would otherwise refresh .git/index, whose change reruns
    // this script and rebuilds gilbench on the next build (a fresh clone's second `make`).
    let dirty =
        output("git", &["--no-optional-locks", "status", "--porcelain", "--untracked-files=no"])
            .is_some_and(|status| !status.is_empty());
    let commit = if dirty { format!("{commit}-dirty") } else { commit };
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = output(&rustc, &["--version"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=GILBENCH_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=GILBENCH_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/index");
    println!("cargo:rerun-if-changed=build.rs");
}
