//! Source files and spans: every AST node and every diagnostic points into a [`SourceMap`]
//! through a [`Span`] (file id + byte range). Line and column are computed only when rendering.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    /// The name shown to users (the path as given, with `/` separators); shared by every
    /// place a report names in the file.
    pub name: std::sync::Arc<str>,
    pub path: PathBuf,
    /// The text; empty once let go ([`Text::let_go`]): [`SourceFile::held`] says which, and
    /// [`SourceMap::shown`] reads the lines of a snippet again.
    text: String,
    /// The length of the text in bytes, let go or not.
    len: usize,
    /// Byte offsets of line starts, as `u32`: spans are `u32` offsets too.
    line_starts: Sorted,
    /// Of a text let go: what is kept of it.
    let_go: Option<LetGo>,
}

/// What is kept of a text let go: the lines that hold more than ASCII, by index, with their
/// text (to count columns in characters), and a fingerprint of each block of [`BLOCK`] bytes (to
/// know that the lines a snippet reads again are still those loaded).
#[derive(Clone, Debug)]
struct LetGo {
    /// The indices of the lines beyond ASCII, and their texts in the same order.
    wide: Sorted,
    texts: Vec<Box<str>>,
    blocks: Vec<u64>,
}

/// A long ascending list of offsets or line numbers with every [`SAMPLE`]th of them apart: the
/// samples (a file of a million lines has 16,000) stay in the processor's cache, so that finding
/// where a value falls reads the long list only in the few lines of memory between two
/// samples. Placing the places of a report (hundreds of thousands of them at 10× Tianjin, in
/// no order) searched the whole list each time and waited on memory at nearly every step.
#[derive(Clone, Debug, Default)]
struct Sorted {
    all: Vec<u32>,
    samples: Vec<u32>,
}

/// How far apart the samples of a [`Sorted`] list are.
const SAMPLE: usize = 64;

impl Sorted {
    fn new(all: Vec<u32>) -> Sorted {
        let samples = all.iter().step_by(SAMPLE).copied().collect();
        Sorted { all, samples }
    }

    /// How many values of the list are at most `x`.
    fn rank(&self, x: u32) -> usize {
        let Some(sample) = self.samples.partition_point(|&s| s <= x).checked_sub(1) else { return 0 };
        // The values before `from` are at most `x`; the one at `from + SAMPLE`, if any, is above it.
        let from = sample * SAMPLE;
        let to = (from + SAMPLE).min(self.all.len());
        from + self.all[from..to].partition_point(|&s| s <= x)
    }
}

/// The bytes of a file let go fingerprinted together: a snippet reads only the blocks that hold
/// its lines.
const BLOCK: usize = 1 << 14;

/// A fingerprint of a block of bytes, the same in every run.
fn fingerprint(block: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0).hash_one(block)
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts.all.get(line).map_or(0, |&s| s as usize);
        let end = offset.min(self.len);
        let column = match &self.let_go {
            None => self.text.get(start..end).map_or(1, |s| s.chars().count() + 1),
            // An ASCII line counts a character per byte.
            Some(kept) => match kept.wide.rank(line as u32).checked_sub(1) {
                Some(i) if kept.wide.all[i] as usize == line => {
                    kept.texts[i].get(..end.saturating_sub(start)).map_or(1, |s| s.chars().count() + 1)
                }
                _ => end.saturating_sub(start) + 1,
            },
        };
        (line + 1, column)
    }

    /// The 0-based line that holds byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.rank(u32::try_from(offset).unwrap_or(u32::MAX)).saturating_sub(1)
    }

    /// The byte offset where each line starts.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts.all
    }

    /// Byte offset where the 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.all.get(line.saturating_sub(1)).map_or(self.len, |&s| s as usize)
    }

    /// The text of a file that holds it: rule files, and submissions kept whole (CSV tables,
    /// other encodings, files with a problem); `None` for a submission's text let go.
    pub fn held(&self) -> Option<&str> {
        self.let_go.is_none().then_some(self.text.as_str())
    }

    /// The length of the text in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The text of the whole lines from byte `from` to byte `to` (both line starts, or the end)
    /// read again from the file, if the file still has its length and the blocks that hold
    /// them are those loaded.
    fn read_again(&self, from: usize, to: usize) -> Option<String> {
        use std::io::{Read, Seek};
        let kept = self.let_go.as_ref()?;
        let mut file = std::fs::File::open(&self.path).ok()?;
        if file.metadata().ok()?.len() != self.len as u64 {
            return None;
        }
        let (first, last) = (from / BLOCK, to.saturating_sub(1).max(from) / BLOCK);
        let start = first * BLOCK;
        let end = ((last + 1) * BLOCK).min(self.len);
        let mut bytes = vec![0; end.saturating_sub(start)];
        file.seek(std::io::SeekFrom::Start(start as u64)).ok()?;
        file.read_exact(&mut bytes).ok()?;
        let same = bytes.chunks(BLOCK).zip(kept.blocks.get(first..=last)?).all(|(b, f)| fingerprint(b) == *f);
        let lines = bytes.get(from - start..to - start)?;
        same.then(|| String::from_utf8(lines.to_vec()).ok()).flatten()
    }
}

/// A part of a file's text to show: from byte `start` of the file on, held or read again.
#[derive(Debug)]
pub struct Shown<'a> {
    pub start: usize,
    text: ShownText<'a>,
}

#[derive(Debug)]
enum ShownText<'a> {
    Held(&'a str),
    Read(Arc<String>),
}

impl Shown<'_> {
    /// Nothing to show.
    pub fn none() -> Shown<'static> {
        Shown { start: 0, text: ShownText::Held("") }
    }
}

impl std::ops::Deref for Shown<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.text {
            ShownText::Held(text) => text,
            ShownText::Read(text) => text,
        }
    }
}

/// The last lines read again, for the next snippet of the same place: the file, the byte they
/// start at, their text.
#[derive(Debug, Default)]
struct ReadAgain(Mutex<Option<(FileId, usize, Arc<String>)>>);

impl Clone for ReadAgain {
    fn clone(&self) -> Self {
        ReadAgain::default()
    }
}

/// Lines read again above and below the lines of a snippet's place: at least the context
/// lines a snippet shows (`diagnostics::render` shows one).
pub(crate) const AROUND: usize = 2;

/// All source files of a run.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    read_again: ReadAgain,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file's text under a display name.
    pub fn add(&mut self, name: impl Into<String>, path: impl AsRef<Path>, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name: name.into().replace('\\', "/").into(),
            path: path.as_ref().to_path_buf(),
            len: text.len(),
            line_starts: line_starts(&text),
            text,
            let_go: None,
        });
        id
    }

    /// Gives a file added before it was read its text (with its lines found where it was read).
    pub fn set_text(&mut self, id: FileId, text: Text) {
        self.read_again = ReadAgain::default();
        let file = &mut self.files[id.0 as usize];
        file.line_starts = text.line_starts;
        file.len = text.len;
        file.text = text.text;
        file.let_go = text.let_go;
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The text to show of the lines of file `id` that hold the bytes of `range`, and a few
    /// lines around them: held, or read again if the text was let go and those lines are
    /// still the ones loaded; else empty (a snippet is then shown without its lines).
    pub fn shown(&self, id: FileId, range: std::ops::Range<usize>) -> Shown<'_> {
        let file = self.get(id);
        if file.let_go.is_none() {
            return Shown { start: 0, text: ShownText::Held(&file.text) };
        }
        let starts = file.line_starts();
        let from = starts.get(file.line_of(range.start).saturating_sub(AROUND)).map_or(0, |&s| s as usize);
        let to = starts.get(file.line_of(range.end.max(range.start)) + AROUND + 1).map_or(file.len, |&s| s as usize);
        let mut last = self.read_again.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, start, text)) = last.as_ref()
            && *at == id
            && *start <= from
            && to <= start + text.len()
        {
            return Shown { start: *start, text: ShownText::Read(text.clone()) };
        }
        match file.read_again(from, to) {
            Some(text) => {
                let text = Arc::new(text);
                *last = Some((id, from, text.clone()));
                Shown { start: from, text: ShownText::Read(text) }
            }
            None => Shown::none(),
        }
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
        // A file added later may take the id of one forgotten: its text read again must go too.
        self.read_again = ReadAgain::default();
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
    len: usize,
    line_starts: Sorted,
    let_go: Option<LetGo>,
}

impl Text {
    pub fn new(text: String) -> Text {
        Text { len: text.len(), line_starts: line_starts(&text), text, let_go: None }
    }

    /// The lines of a text that is the file's bytes as they are, without the text: a
    /// submission is not held twice, as text and as data. Columns are counted from the lines
    /// beyond ASCII, which are kept; a snippet reads the file again ([`SourceMap::shown`]).
    pub fn let_go(text: String) -> Text {
        let line_starts = line_starts(&text);
        let (wide, texts) = wide_lines(&text, &line_starts.all);
        let let_go = Some(LetGo {
            wide: Sorted::new(wide),
            texts,
            blocks: text.as_bytes().chunks(BLOCK).map(fingerprint).collect(),
        });
        Text { len: text.len(), line_starts, text: String::new(), let_go }
    }
}

/// The lines of `text` that hold a byte beyond ASCII: their indices, and their texts.
fn wide_lines(text: &str, line_starts: &[u32]) -> (Vec<u32>, Vec<Box<str>>) {
    let (mut wide, mut texts) = (Vec::new(), Vec::new());
    let mut at = 0;
    while let Some(found) = first_beyond_ascii(&text.as_bytes()[at..]) {
        let line = line_starts.partition_point(|&s| s as usize <= at + found).saturating_sub(1);
        let start = line_starts[line] as usize;
        let end = line_starts.get(line + 1).map_or(text.len(), |&next| next as usize - 1);
        wide.push(line as u32);
        texts.push(text.get(start..end).unwrap_or_default().into());
        at = (end + 1).min(text.len());
    }
    (wide, texts)
}

/// Where the first byte beyond ASCII is: found a block at a time, most text being ASCII.
fn first_beyond_ascii(bytes: &[u8]) -> Option<usize> {
    let from = bytes.chunks(64).position(|block| !block.is_ascii())? * 64;
    bytes[from..].iter().position(|b| !b.is_ascii()).map(|i| from + i)
}

/// The byte offset of the start of every line.
fn line_starts(text: &str) -> Sorted {
    let mut starts = vec![0];
    // A vectorised search for the byte.
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| (i + 1) as u32));
    Sorted::new(starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\r\n  \"name\": \"春华社区\", \"households\": 3655,\n  \"n\": 1\n}\n名";

    fn file_with(text: &str, tag: &str) -> (PathBuf, SourceMap, FileId) {
        let path = std::env::temp_dir().join(format!("plancheck-source-{}-{tag}.json", std::process::id()));
        std::fs::write(&path, text).expect("temporary file");
        let mut sources = SourceMap::new();
        let id = sources.add("f.json", &path, String::new());
        sources.set_text(id, Text::let_go(text.to_string()));
        (path, sources, id)
    }

    #[test]
    fn a_text_let_go_places_every_offset_where_the_text_does() {
        let mut held = SourceMap::new();
        let kept = held.add("f.json", "f.json", TEXT.to_string());
        let (path, sources, id) = file_with(TEXT, "places");
        assert!(sources.get(id).text.is_empty());
        for offset in (0..=TEXT.len()).filter(|&o| TEXT.is_char_boundary(o)) {
            assert_eq!(sources.get(id).line_col(offset), held.get(kept).line_col(offset), "offset {offset}");
        }
        assert_eq!(sources.get(id).line_start(4), held.get(kept).line_start(4));
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_file_that_takes_the_id_of_one_forgotten_shows_its_own_text() {
        let (path, mut sources, id) = file_with(TEXT, "reused");
        assert_eq!(&*sources.shown(id, 0..TEXT.len()), TEXT);
        sources.truncate(0);
        let other = "{\n  \"名称\": 1\n}\n";
        std::fs::write(&path, other).expect("rewrite");
        let again = sources.add("f.json", &path, String::new());
        sources.set_text(again, Text::let_go(other.to_string()));
        assert_eq!(again, id);
        assert_eq!(&*sources.shown(again, 0..other.len()), other);
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_text_let_go_is_read_again_only_while_the_file_is_the_one_loaded() {
        let (path, sources, id) = file_with(TEXT, "again");
        assert_eq!(&*sources.shown(id, 0..TEXT.len()), TEXT);
        // The same length, a line more: not the file loaded.
        let (path2, changed, id2) = file_with(TEXT, "changed");
        std::fs::write(&path2, TEXT.replacen(' ', "\n", 1)).expect("rewrite");
        assert_eq!(&*changed.shown(id2, 0..TEXT.len()), "");
        // Gone: nothing to show, and no panic.
        std::fs::remove_file(&path).expect("remove");
        assert_eq!(&*sources.clone().shown(id, 0..TEXT.len()), "");
        let _ = std::fs::remove_file(path2);
    }

    /// A snippet of a long file let go reads the lines around its place, not the file: they
    /// are the file's lines at that place, starting where `start` says; a change in the
    /// blocks that hold them shows nothing.
    #[test]
    fn a_snippet_reads_the_lines_around_its_place() {
        let text: String = (0..20_000).map(|i| format!("  \"社区{i}\": {i},\n")).collect();
        let (path, sources, id) = file_with(&text, "window");
        let at = text.find("\"社区12345\"").expect("place");
        let shown = sources.shown(id, at..at + 5);
        assert!(shown.len() < 200, "{} bytes read for one place", shown.len());
        assert_eq!(&text[shown.start..shown.start + shown.len()], &*shown);
        assert!(shown.contains("社区12344") && shown.contains("社区12345") && shown.contains("社区12346"));
        assert!(shown.start == 0 || text.as_bytes()[shown.start - 1] == b'\n', "starts at a line");
        // The same length, another digit on the line shown: not the lines loaded.
        let (path2, changed, id2) = file_with(&text, "window-changed");
        std::fs::write(&path2, text.replacen("12345,", "12346,", 1)).expect("rewrite");
        assert_eq!(&*changed.shown(id2, at..at + 5), "");
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(path2);
    }

    proptest::proptest! {
        /// A sampled list ranks every value as a search of the whole list does.
        #[test]
        fn a_sampled_list_ranks_as_the_whole_list(mut all in proptest::collection::vec(0u32..5_000, 0..700), x in 0u32..5_100) {
            all.sort_unstable();
            let expected = all.partition_point(|&s| s <= x);
            proptest::prop_assert_eq!(Sorted::new(all).rank(x), expected);
        }
    }

    #[test]
    fn a_long_text_let_go_places_every_offset_where_the_text_does() {
        // Lines beyond ASCII every third line, across many samples of both lists.
        let text: String = (0..1_000)
            .map(|i| if i % 3 == 0 { format!("  \"社区{i}\": {i},\n") } else { format!("  \"n{i}\": {i},\n") })
            .collect();
        let mut held = SourceMap::new();
        let a = held.add("a.json", "a.json", text.clone());
        let mut kept = SourceMap::new();
        let b = kept.add("b.json", "b.json", String::new());
        kept.set_text(b, Text::let_go(text.clone()));
        for (offset, _) in text.char_indices() {
            let (line, column) = held.get(a).line_col(offset);
            assert_eq!(line, text[..offset].matches('\n').count() + 1, "at {offset}");
            assert_eq!((line, column), kept.get(b).line_col(offset), "at {offset}");
        }
    }
}
