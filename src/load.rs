//! Loading a rule set from disk: one `.rules` file, or every `.rules` file below a directory
//! (in name order), parsed and checked together.

use std::path::{Path, PathBuf};

use crate::check::{self, Checked, Input};
use crate::diagnostics::Diagnostics;
use crate::source::{FileId, SourceMap};
use crate::syntax::{self, Parsed};

/// A loaded rule set: its sources, the parse of each file, and the checked model.
pub struct RuleSet {
    pub sources: SourceMap,
    pub files: Vec<(FileId, Parsed)>,
    pub checked: Checked,
    pub diagnostics: Diagnostics,
    /// The file asked for, when it was read with the rest of its directory as context.
    pub focus: Option<FileId>,
}

/// The rule files a path names: the file itself, or the `.rules` files below a directory.
pub fn rule_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rules") {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads, parses and checks the rule set at `path`. A single file without a `plan` header (a
/// draft of new rules next to the shipped ones) is checked together with the other `.rules`
/// files of its directory, which hold the plan and the data model it needs; the set's
/// `focus` is then that file.
pub fn load(path: &Path) -> std::io::Result<RuleSet> {
    let mut files = rule_files(path)?;
    let mut focus = None;
    if path.is_file() {
        let own = std::fs::read_to_string(path)?;
        let standalone = own.lines().any(|l| l.starts_with("plan "));
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !standalone {
            files = rule_files(dir)?;
            if !files.iter().any(|f| same_file(f, path)) {
                files.push(path.to_path_buf());
            }
        }
    }
    let mut sources = SourceMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file)?;
        let id = sources.add(display_name(file), file, text);
        if path.is_file() && files.len() > 1 && same_file(file, path) {
            focus = Some(id);
        }
    }
    Ok(RuleSet { focus, ..from_sources(sources) })
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Parses and checks files already in a source map.
pub fn from_sources(sources: SourceMap) -> RuleSet {
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    for (id, file) in sources.files() {
        let parsed = syntax::parse_file(id, &file.text);
        diagnostics.0.extend(parsed.diagnostics.iter().cloned());
        files.push((id, parsed));
    }
    let dirs: Vec<PathBuf> =
        files.iter().map(|(id, _)| sources.get(*id).path.parent().map(Path::to_path_buf).unwrap_or_default()).collect();
    let inputs: Vec<Input<'_>> = files
        .iter()
        .zip(&dirs)
        .map(|((_, parsed), dir)| Input { ast: &parsed.ast, dir, broken: &parsed.broken })
        .collect();
    let checked = check::check(&inputs, &mut diagnostics);
    diagnostics.sort();
    RuleSet { sources, files, checked, diagnostics, focus: None }
}

/// A path as shown to users: relative to the working directory when it is below it.
pub fn display_name(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    shown.to_string_lossy().replace('\\', "/")
}
