//! Loading a rule set from disk: one `.rules` file, or every `.rules` file below a directory
//! (in name order), parsed and checked together.

use std::path::{Path, PathBuf};

use crate::check::{self, Checked, Input};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::keywords::Keywords;
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
/// `focus` is then that file. The files are parsed on `threads` threads.
pub fn load(path: &Path, threads: usize) -> std::io::Result<RuleSet> {
    let mut files = rule_files(path)?;
    let mut focus = None;
    if path.is_file() {
        let own = String::from_utf8_lossy(&std::fs::read(path)?).into_owned();
        // A file with its own plan header (in either keyword form) stands alone.
        let header = |l: &str| {
            let first = l.trim_start_matches('\u{FEFF}').split_whitespace().next();
            first.is_some_and(|w| Keywords::is(w, "plan"))
        };
        let standalone = own.lines().any(header);
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !standalone {
            files = rule_files(dir)?;
            if !files.iter().any(|f| same_file(f, path)) {
                files.push(path.to_path_buf());
            }
        }
    }
    if path.is_file() && files.len() > 1 {
        focus = files.iter().position(|f| same_file(f, path)).map(|i| FileId(i as u32));
    }
    let named: Vec<(String, PathBuf)> = files.iter().map(|f| (display_name(f), f.clone())).collect();
    Ok(RuleSet { focus, ..read_files(&named, threads)? })
}

/// Reads rule files, under the names given, and checks them. A file that is not UTF-8 is read
/// with its undecodable bytes replaced and gets E0006 at the first of them; then E0006 is all
/// that is reported, for every file: garbled names, units and quotations would make every
/// other diagnostic a guess. A byte-order mark is dropped. The files are parsed on `threads`
/// threads.
pub fn read_files(files: &[(String, PathBuf)], threads: usize) -> std::io::Result<RuleSet> {
    let mut sources = SourceMap::new();
    let mut undecodable = Vec::new();
    for (shown, path) in files {
        let bytes = std::fs::read(path)?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                sources.add(shown, path, text.to_string());
            }
            Err(e) => {
                let at = e.valid_up_to();
                let id = sources.add(shown, path, String::from_utf8_lossy(bytes).into_owned());
                let byte = format!("0x{:02X}", bytes[at]);
                let span = Span::new(id, at, at + char::REPLACEMENT_CHARACTER.len_utf8());
                undecodable.push(Diagnostic::new(Code::NotUtf8, span).arg("byte", byte));
            }
        }
    }
    let mut set = from_sources(sources, threads);
    if !undecodable.is_empty() {
        set.diagnostics.0 = undecodable;
    }
    set.diagnostics.sort();
    Ok(set)
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Parses and checks files already in a source map. The files are parsed on `threads` threads,
/// the largest first (a rule set is a few large files and several small ones).
pub fn from_sources(sources: SourceMap, threads: usize) -> RuleSet {
    let mut diagnostics = Diagnostics::default();
    let mut by_size: Vec<(FileId, &str)> = sources.files().map(|(id, f)| (id, f.held().unwrap_or_default())).collect();
    by_size.sort_by_key(|(_, text)| std::cmp::Reverse(text.len()));
    let mut files = Vec::with_capacity(by_size.len());
    let parse = |_: &mut (), &(id, text): &(FileId, &str)| (id, syntax::parse_file(id, text));
    crate::parallel::ordered(&by_size, threads, 2, || (), parse, |parsed| files.push(parsed));
    files.sort_by_key(|(id, _)| *id);
    for (_, parsed) in &files {
        diagnostics.0.extend(parsed.diagnostics.iter().cloned());
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
