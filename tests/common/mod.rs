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

/// Reads files under their project-relative names and checks them, as `load` does.
pub fn check_files(files: &[PathBuf]) -> RuleSet {
    let named: Vec<(String, PathBuf)> = files.iter().map(|f| (shown(f), f.clone())).collect();
    load::read_files(&named, plancheck::parallel::threads()).expect("fixture is readable")
}

/// Checks the shipped rules with one file's text replaced.
pub fn check_with(files: &[PathBuf], replaced: &Path, text: &str) -> RuleSet {
    let mut sources = SourceMap::new();
    for f in files {
        let body = if f == replaced { text.to_string() } else { std::fs::read_to_string(f).expect("readable") };
        sources.add(shown(f), f, body);
    }
    load::from_sources(sources, plancheck::parallel::threads())
}

/// An empty directory `target/plancheck-fixtures/NAME` for one test's files.
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = root().join("target/plancheck-fixtures").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// A fresh copy of the shipped `rules/` in `target/plancheck-fixtures/NAME/rules`, for tests
/// that add or change files of a whole rule set.
pub fn rules_copy(name: &str) -> PathBuf {
    let dir = fresh_dir(name).join("rules");
    std::fs::create_dir_all(&dir).expect("dir");
    for entry in std::fs::read_dir(root().join("rules")).expect("rules") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

/// The spec's example submission with one community's name (仁和园社区) replaced, written to
/// `target/plancheck-fixtures/NAME/submission.json`: for names that test what reports show.
pub fn example_named(name: &str, community: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("tests/submissions/example-jinnan-2024.json")).expect("example");
    let renamed = text.replacen("\"仁和园社区\"", &format!("\"{community}\""), 1);
    assert_ne!(renamed, text, "the example names 仁和园社区");
    let path = fresh_dir(name).join("submission.json");
    std::fs::write(&path, renamed).expect("write");
    path
}
