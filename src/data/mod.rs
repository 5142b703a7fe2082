//! District submissions: loading JSON, YAML and CSV tables into one value model where every
//! value keeps its place in the file, then binding them to the entities declared in the
//! rules. A bad file yields diagnostics, never a panic, a silent default or a lost row.

pub mod bind;
pub mod csv;
mod csv_split;
pub mod export;
pub mod instance;
pub mod json;
pub mod json_fast;
pub mod text;
pub mod tree;
pub mod yaml;

use std::path::{Path, PathBuf};

use crate::check::Checked;
use crate::check::model::{EntityId, FieldId};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
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

impl Limits {
    /// The deepest `max_depth` allowed: a reader recurses once per level.
    pub const DEEPEST: usize = 1000;
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

/// What a path given by the user holds. A directory reached again through a link (one that
/// links to itself or above) is not walked again.
pub fn submissions_in(path: &Path, checked: &Checked) -> std::io::Result<Vec<(PathBuf, Format)>> {
    let mut found = Vec::new();
    let mut walked = std::collections::HashSet::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(p) = pending.pop() {
        if p.is_dir() {
            if !walked.insert(std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone())) {
                continue;
            }
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
        } else if p.exists() {
            return Err(std::io::Error::other("@io.not_a_file"));
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

/// Loads every submission found under `paths`, in order. JSON and YAML files are read, parsed
/// and bound on `threads` threads and join the dataset in file order; CSV tables are loaded on the
/// main thread. A path that cannot be read is a diagnostic.
pub fn load(
    paths: &[PathBuf],
    checked: &Checked,
    options: &Options,
    sources: &mut SourceMap,
    threads: usize,
) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    for path in paths {
        let found = match submissions_in(path, checked) {
            Ok(found) => found,
            Err(e) => {
                let file = sources.add(crate::load::display_name(path), path, String::new());
                let reason = crate::check::io_reason(&e);
                loaded
                    .diagnostics
                    .push(Diagnostic::new(Code::NotASubmission, Span::new(file, 0, 0)).arg("reason", reason));
                continue;
            }
        };
        if found.is_empty() {
            let file = sources.add(crate::load::display_name(path), path, String::new());
            loaded.diagnostics.push(Diagnostic::new(Code::NoTables, Span::new(file, 0, 0)));
        }
        files.extend(found);
    }
    // A file named twice, or reached again through a link, is one submission.
    let mut seen = std::collections::HashSet::new();
    files.retain(|(path, _)| seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())));
    // Each text file gets its place in the source map now, its text once it is read.
    let is_text = |format: &Format| matches!(format, Format::Json | Format::Yaml);
    let jobs: Vec<(usize, FileId)> = files
        .iter()
        .enumerate()
        .filter(|(_, (_, format))| is_text(format))
        .map(|(i, (path, _))| (i, sources.add(crate::load::display_name(path), path, String::new())))
        .collect();
    // Files join the dataset in their order: the CSV tables before a text file are loaded when
    // its data arrives, the rest after the last.
    let mut others = files.iter().enumerate().filter(|(_, (_, format))| !is_text(format)).peekable();
    let mut up_to = |index: usize, sources: &mut SourceMap, loaded: &mut Loaded| {
        while let Some((_, (path, format))) = others.next_if(|(i, _)| *i < index) {
            load_one(path, *format, checked, options, sources, loaded);
        }
    };
    let parse = |(): &mut (), &(i, file): &(usize, FileId)| {
        let (path, format) = &files[i];
        (i, file, parse_file(file, path, *format, checked, options))
    };
    // A worker reads at most one file ahead, so that few files are held at once.
    crate::parallel::ordered(
        &jobs,
        threads,
        1,
        || (),
        parse,
        |(i, file, parsed)| {
            up_to(i, sources, &mut loaded);
            sources.set_text(file, parsed.text);
            loaded.diagnostics.extend(parsed.diagnostics);
            loaded.dataset.append(parsed.bound);
        },
    );
    up_to(files.len(), sources, &mut loaded);
    loaded
}

/// A JSON or YAML file read, parsed and bound (on a worker thread, so that its tree is made
/// and dropped there): its text (as far as it could be read), its data as a dataset of its
/// own, and the problems met.
struct Parsed {
    text: crate::source::Text,
    bound: Dataset,
    diagnostics: Vec<Diagnostic>,
}

fn parse_file(file: FileId, path: &Path, format: Format, checked: &Checked, options: &Options) -> Parsed {
    let mut parsed =
        Parsed { text: crate::source::Text::new(String::new()), bound: Dataset::default(), diagnostics: Vec::new() };
    let bytes = match read_bytes(path, options.limits.max_file_bytes) {
        Ok(bytes) => bytes,
        Err(e) => {
            parsed.diagnostics.push(e.diagnostic(file));
            return parsed;
        }
    };
    let (text, verbatim) = match text::decode(bytes, options.encoding) {
        Ok(decoded) => (decoded.text, decoded.verbatim),
        Err(text::Undecodable { error: text::DecodeError::Invalid { offset, encoding }, bytes }) => {
            let (shown, at) = text::shown_as(&bytes, offset, encoding);
            parsed.text = crate::source::Text::new(shown);
            parsed
                .diagnostics
                .push(Diagnostic::new(Code::Undecodable, Span::new(file, at, at + 1)).arg("encoding", encoding));
            return parsed;
        }
    };
    let tree = if format == Format::Json {
        json::parse(file, &text, &options.limits)
    } else {
        yaml::parse(file, &text, &options.limits)
    };
    match tree {
        Ok(node) => {
            if let Some(root) = bind::root_entity(&checked.model, &node) {
                let id = bind::bind(&checked.model, &mut parsed.bound, &node, root, format, &mut parsed.diagnostics);
                parsed.bound.documents.push(Document { file, root: id });
            }
        }
        Err(ds) => parsed.diagnostics.extend(ds),
    }
    // A file without a problem is not held as text beside its data: only its lines are kept,
    // to place what the reports point at (it is read again for a snippet).
    parsed.text = match verbatim && parsed.diagnostics.is_empty() {
        true => crate::source::Text::let_go(text),
        false => crate::source::Text::new(text),
    };
    parsed
}

/// Loads one submission on this thread: CSV tables, or a file plancheck cannot read.
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
        Format::CsvTables => csv::load(
            path,
            &checked.model,
            &checked.schema,
            options.encoding,
            options.limits.max_file_bytes,
            sources,
            diagnostics,
        ),
        Format::Json | Format::Yaml | Format::Unsupported => {
            let file = sources.add(crate::load::display_name(path), path, String::new());
            let extension = path.extension().map_or(String::new(), |e| e.to_string_lossy().to_string());
            diagnostics.push(
                Diagnostic::new(Code::NotASubmission, Span::new(file, 0, 0))
                    .arg("reason", "@io.unsupported")
                    .arg("extension", extension),
            );
            return;
        }
    };
    let Some((node, root, reported)) = tree else {
        if !diagnostics.iter().any(|d| d.is_error()) {
            let file = sources.add(crate::load::display_name(path), path, String::new());
            diagnostics.push(Diagnostic::new(Code::NoTables, Span::new(file, 0, 0)));
        }
        return;
    };
    bind_document(&node, root, &reported, checked, loaded);
}

/// Binds a document's tree, but for the fields whose lack is `reported` already.
fn bind_document(
    node: &Node,
    root: usize,
    reported: &[(EntityId, FieldId, FileId)],
    checked: &Checked,
    loaded: &mut Loaded,
) {
    let dataset = &mut loaded.dataset;
    let id =
        bind::bind_reported(&checked.model, dataset, node, root, Format::CsvTables, reported, &mut loaded.diagnostics);
    loaded.dataset.documents.push(Document { file: node.span.file, root: id });
}

/// Why a file could not be read.
enum ReadError {
    TooLarge { size: u64, limit: u64 },
    Io(String),
}

impl ReadError {
    /// The diagnostic, at the start of `file`.
    fn diagnostic(self, file: FileId) -> Diagnostic {
        let at = Span::new(file, 0, 0);
        match self {
            ReadError::TooLarge { size, limit } => {
                Diagnostic::new(Code::FileTooLarge, at).arg("size", size).arg("limit", limit)
            }
            ReadError::Io(reason) => Diagnostic::new(Code::NotASubmission, at).arg("reason", reason),
        }
    }
}

/// Reads a file of at most `max_bytes`, and never more than spans can address (4 GiB). Only a
/// regular file is read: a device (`/dev/zero`) or a pipe never ends or never starts, and a file
/// that grows while it is read stops at the limit.
fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let max_bytes = max_bytes.min(u64::from(u32::MAX));
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(crate::check::io_reason(&e)))?;
    if !meta.is_file() {
        return Err(ReadError::Io("@io.not_a_file".to_string()));
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge { size: meta.len(), limit: max_bytes });
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(crate::check::io_reason(&e)))?;
    // Room for the whole file at once (and one byte more, to see that it did not grow).
    let mut bytes = Vec::with_capacity(meta.len().min(max_bytes) as usize + 1);
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| ReadError::Io(crate::check::io_reason(&e)))?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit: max_bytes });
    }
    Ok(bytes)
}

/// Reads a file of at most `max_bytes`; a file too large or unreadable is a diagnostic.
pub fn read_limited(
    path: &Path,
    shown: &str,
    max_bytes: u64,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<u8>> {
    read_bytes(path, max_bytes)
        .map_err(|e| {
            let file = sources.add(shown, path, String::new());
            diagnostics.push(e.diagnostic(file));
        })
        .ok()
}

/// A file that does not decode, added to `sources` as it reads in the encoding it failed in
/// (bad bytes replaced), and where its first bad byte is in that text.
pub fn lossy_source(
    path: &Path,
    shown: &str,
    (bytes, offset, encoding): (&[u8], usize, &str),
    sources: &mut SourceMap,
) -> (FileId, usize) {
    let (text, at) = text::shown_as(bytes, offset, encoding);
    (sources.add(shown, path, text), at)
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
                bind_document(&node, root, &[], checked, &mut loaded);
            }
        }
        Err(ds) => loaded.diagnostics.extend(ds),
    }
    loaded
}
