//! Helpers shared by the integration tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};

use plancheck::load::{self, RuleSet};
use plancheck::source::SourceMap;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `plancheck` binary in the project root: (exit code, stdout, stderr).
pub fn plancheck(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plancheck"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every `.rules` file of the shipped rule set.
pub fn shipped_rule_files() -> Vec<PathBuf> {
    load::rule_files(&root().join("rules")).expect("rules/ is readable")
}

/// A path relative to the project root, with `/` separators, as shown to users in snapshots.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Loads files into a source map under their project-relative names and checks them.
pub fn check_files(files: &[PathBuf]) -> RuleSet {
    let mut sources = SourceMap::new();
    for f in files {
        let text = std::fs::read_to_string(f).expect("fixture is readable");
        sources.add(shown(f), f, text);
    }
    load::from_sources(sources)
}

/// Checks the shipped rules with one file's text replaced.
pub fn check_with(files: &[PathBuf], replaced: &Path, text: &str) -> RuleSet {
    let mut sources = SourceMap::new();
    for f in files {
        let body = if f == replaced { text.to_string() } else { std::fs::read_to_string(f).expect("readable") };
        sources.add(shown(f), f, body);
    }
    load::from_sources(sources)
}
