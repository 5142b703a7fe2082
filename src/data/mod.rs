//! District submissions: loading JSON, YAML and CSV tables into one value model where every
//! value keeps its place in the file, then binding them to the entities declared in the
//! rules. A bad file yields diagnostics, never a panic, a silent default or a lost row.

pub mod bind;
pub mod csv;
pub mod export;
pub mod instance;
pub mod json;
pub mod text;
pub mod tree;
pub mod yaml;

use std::path::{Path, PathBuf};

use crate::check::Checked;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceMap, Span};
use instance::{Dataset, Document};
use text::TextEncoding;
use tree::Node;

/// Bounds that keep a hostile file harmless.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of lists and records.
    pub max_depth: usize,
    /// Most nodes that YAML aliases may expand to, in total per file.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_file_bytes: 256 * 1024 * 1024, max_depth: 64, max_alias_nodes: 100_000 }
    }
}

/// How submissions are read.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub limits: Limits,
    pub encoding: TextEncoding,
}

/// The submission formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Json,
    Yaml,
    CsvTables,
    /// A file given by name that is none of the above (an `.xlsx`, say): reported, not guessed.
    Unsupported,
}

/// Submissions loaded and bound: the instances plus every problem found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub dataset: Dataset,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a path given by the user holds.
pub fn submissions_in(path: &Path, checked: &Checked) -> std::io::Result<Vec<(PathBuf, Format)>> {
    let mut found = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(p) = pending.pop() {
        if p.is_dir() {
            if csv::is_csv_submission(&p, &checked.model) {
                found.push((p, Format::CsvTables));
                continue;
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)?.filter_map(Result::ok).map(|e| e.path()).collect();
            entries.sort();
            entries.reverse();
            pending.extend(entries.into_iter().filter(|e| e.is_dir() || format_of(e).is_some()));
        } else if let Some(format) = format_of(&p) {
            found.push((p, format));
        } else if p.is_file() {
            found.push((p, Format::Unsupported));
        } else {
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, p.display().to_string()));
        }
    }
    found.sort();
    Ok(found)
}

fn format_of(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "json" => Some(Format::Json),
        "yaml" | "yml" => Some(Format::Yaml),
        _ => None,
    }
}

/// Loads and binds every submission under `paths`.
pub fn load(
    paths: &[PathBuf],
    checked: &Checked,
    options: &Options,
    sources: &mut SourceMap,
) -> std::io::Result<Loaded> {
    let mut loaded = Loaded::default();
    for path in paths {
        let found = submissions_in(path, checked)?;
        if found.is_empty() {
            let file = sources.add(crate::load::display_name(path), path, String::new());
            loaded.diagnostics.push(Diagnostic::new(Code::NoTables, Span::new(file, 0, 0)));
        }
        for (file, format) in found {
            load_one(&file, format, checked, options, sources, &mut loaded);
        }
    }
    Ok(loaded)
}

/// Loads one submission (a file, or a directory of CSV tables) into `loaded`.
pub fn load_one(
    path: &Path,
    format: Format,
    checked: &Checked,
    options: &Options,
    sources: &mut SourceMap,
    loaded: &mut Loaded,
) {
    let diagnostics = &mut loaded.diagnostics;
    let tree = match format {
        Format::Unsupported => {
            let file = sources.add(crate::load::display_name(path), path, String::new());
            let extension = path.extension().map_or(String::new(), |e| e.to_string_lossy().to_string());
            diagnostics.push(
                Diagnostic::new(Code::NotASubmission, Span::new(file, 0, 0))
                    .arg("reason", "@io.unsupported")
                    .arg("extension", extension),
            );
            return;
        }
        Format::CsvTables => csv::load(
            path,
            &checked.model,
            &checked.schema,
            options.encoding,
            options.limits.max_file_bytes,
            sources,
            diagnostics,
        ),
        Format::Json | Format::Yaml => {
            let shown = crate::load::display_name(path);
            read_text(path, &shown, options, sources, diagnostics).and_then(|file| {
                let text = &sources.get(file).text;
                let parsed = if format == Format::Json {
                    json::parse(file, text, &options.limits)
                } else {
                    yaml::parse(file, text, &options.limits)
                };
                match parsed {
                    Ok(node) => bind::root_entity(&checked.model, &node).map(|root| (node, root)),
                    Err(ds) => {
                        diagnostics.extend(ds);
                        None
                    }
                }
            })
        }
    };
    let Some((node, root)) = tree else {
        if format == Format::CsvTables && !diagnostics.iter().any(|d| d.is_error()) {
            let file = sources.add(crate::load::display_name(path), path, String::new());
            diagnostics.push(Diagnostic::new(Code::NoTables, Span::new(file, 0, 0)));
        }
        return;
    };
    bind_document(&node, root, checked, loaded);
}

fn bind_document(node: &Node, root: usize, checked: &Checked, loaded: &mut Loaded) {
    let id = bind::bind(&checked.model, &mut loaded.dataset, node, root, &mut loaded.diagnostics);
    loaded.dataset.documents.push(Document { file: node.span.file, root: id });
}

/// Reads a file within the size limit; problems are reported on an empty source entry.
pub fn read_limited(
    path: &Path,
    shown: &str,
    max_bytes: u64,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<u8>> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > max_bytes {
        let file = sources.add(shown, path, String::new());
        diagnostics
            .push(Diagnostic::new(Code::FileTooLarge, Span::new(file, 0, 0)).arg("size", size).arg("limit", max_bytes));
        return None;
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            let file = sources.add(shown, path, String::new());
            diagnostics.push(
                Diagnostic::new(Code::NotASubmission, Span::new(file, 0, 0)).arg("reason", crate::check::io_reason(&e)),
            );
            None
        }
    }
}

/// Reads and decodes a text file into the source map.
fn read_text(
    path: &Path,
    shown: &str,
    options: &Options,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<crate::source::FileId> {
    let bytes = read_limited(path, shown, options.limits.max_file_bytes, sources, diagnostics)?;
    match text::decode(&bytes, options.encoding) {
        Ok(decoded) => Some(sources.add(shown, path, decoded.text)),
        Err(text::DecodeError::Invalid { offset, encoding }) => {
            let (file, at) = lossy_source(path, shown, &bytes, offset, sources);
            diagnostics.push(Diagnostic::new(Code::Undecodable, Span::new(file, at, at + 1)).arg("encoding", encoding));
            None
        }
    }
}

/// Shows undecodable bytes as text (bad bytes replaced) and finds where `offset` lands in it.
pub fn lossy_source(
    path: &Path,
    shown: &str,
    bytes: &[u8],
    offset: usize,
    sources: &mut SourceMap,
) -> (crate::source::FileId, usize) {
    let at = String::from_utf8_lossy(&bytes[..offset.min(bytes.len())]).len();
    (sources.add(shown, path, String::from_utf8_lossy(bytes).into_owned()), at)
}

/// Loads a submission from text already in memory (for tests and fuzzing).
pub fn load_text(
    name: &str,
    text: &str,
    format: Format,
    checked: &Checked,
    options: &Options,
    sources: &mut SourceMap,
) -> Loaded {
    let mut loaded = Loaded::default();
    let file = sources.add(name, name, text.to_string());
    let parsed = match format {
        Format::Yaml => yaml::parse(file, text, &options.limits),
        _ => json::parse(file, text, &options.limits),
    };
    match parsed {
        Ok(node) => {
            if let Some(root) = bind::root_entity(&checked.model, &node) {
                bind_document(&node, root, checked, &mut loaded);
            }
        }
        Err(ds) => loaded.diagnostics.extend(ds),
    }
    loaded
}
