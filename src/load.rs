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

/// Reads, parses and checks the rule set at `path`.
pub fn load(path: &Path) -> std::io::Result<RuleSet> {
    let mut sources = SourceMap::new();
    for file in rule_files(path)? {
        let text = std::fs::read_to_string(&file)?;
        sources.add(display_name(&file), &file, text);
    }
    Ok(from_sources(sources))
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
    RuleSet { sources, files, checked, diagnostics }
}

/// A path as shown to users: relative to the working directory when it is below it.
pub fn display_name(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    shown.to_string_lossy().replace('\\', "/")
}
