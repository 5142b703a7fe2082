//! Source files and spans: every AST node and every diagnostic points into a [`SourceMap`]
//! through a [`Span`] (file id + byte range). Line and column are computed only when rendering.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file. Two spans are equal when they are the same place; a
/// comparison of trees that must ignore where their nodes were written says so explicitly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start: start as u32, end: end as u32 }
    }

    /// The byte range of this span.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// This span moved `offset` bytes further into the file.
    pub fn shifted(self, offset: usize) -> Span {
        Span { file: self.file, start: self.start + offset as u32, end: self.end + offset as u32 }
    }
}

/// One loaded source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown to users (the path as given, with `/` separators).
    pub name: String,
    pub path: PathBuf,
    pub text: String,
    /// Byte offsets of line starts, as `u32`: spans are `u32` offsets too.
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s as usize <= offset).saturating_sub(1);
        let start = self.line_starts[line] as usize;
        let end = offset.min(self.text.len());
        let column = self.text.get(start..end).map_or(1, |s| s.chars().count() + 1);
        (line + 1, column)
    }

    /// The byte offset where each line starts.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// Byte offset where the 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line.saturating_sub(1)).map_or(self.text.len(), |&s| s as usize)
    }
}

/// All source files of a run.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file's text under a display name.
    pub fn add(&mut self, name: impl Into<String>, path: impl AsRef<Path>, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name: name.into().replace('\\', "/"),
            path: path.as_ref().to_path_buf(),
            line_starts: line_starts(&text),
            text,
        });
        id
    }

    /// Gives a file added before it was read its text (with its lines found where it was read).
    pub fn set_text(&mut self, id: FileId, text: Text) {
        let file = &mut self.files[id.0 as usize];
        file.line_starts = text.line_starts;
        file.text = text.text;
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn text(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.range()).unwrap_or("")
    }

    /// How many files the map holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Forgets every file added after the first `len`.
    pub fn truncate(&mut self, len: usize) {
        self.files.truncate(len);
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }
}

/// A file's text with the start of each of its lines, made on the thread that read it.
#[derive(Clone, Debug)]
pub struct Text {
    text: String,
    line_starts: Vec<u32>,
}

impl Text {
    pub fn new(text: String) -> Text {
        Text { line_starts: line_starts(&text), text }
    }
}

/// The byte offset of the start of every line.
fn line_starts(text: &str) -> Vec<u32> {
    let mut starts = vec![0];
    // A search for a byte, not a loop over bytes: the standard library's `memchr`.
    starts.extend(text.match_indices('\n').map(|(i, _)| (i + 1) as u32));
    starts
}
