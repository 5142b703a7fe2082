//! Syntax: `.rules` text → AST with spans. Parsing never fails: it returns the items it could
//! build plus a diagnostic for every item it could not (see [`parse_file`]).

pub mod ast;
pub mod keywords;
pub mod lex;
pub mod parse;

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use lex::{Comment, Delimiter};

/// The outcome of parsing one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub ast: ast::File,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
    /// `(keyword, name)` of the items that did not parse, so that the checker does not
    /// report their names as unknown where they are used.
    pub broken: Vec<(String, String)>,
}

/// Parses a whole file: every item that parses is kept, every one that does not is reported.
pub fn parse_file(file: FileId, text: &str) -> Parsed {
    let lexed = lex::lex(text);
    let mut diagnostics = Vec::new();
    let mut broken = vec![false; lexed.items.len()];
    for (item, problem) in &lexed.problems {
        broken[*item] = true;
        diagnostics.push(delimiter_diagnostic(file, text, problem));
    }
    let docs = DocIndex::new(text, &lexed.comments);
    let mut items = Vec::new();
    let mut broken_items = Vec::new();
    let comment_ranges: Vec<std::ops::Range<usize>> = lexed.comments.iter().map(|c| c.start..c.end).collect();
    for (index, range) in lexed.items.iter().enumerate() {
        let item_text = &text[range.clone()];
        let mut parsed = parse::parse_item(file, item_text, range.start, &comment_ranges);
        let place = Place { file, text, offset: range.start, comments: &comment_ranges };
        let meant = parsed.as_ref().err().and_then(|_| meant_keyword(&place, item_text));
        // An entity with a few field lines that do not parse keeps its other fields, so that
        // one missing `:` is one error, not a cascade over every rule that reads the entity.
        let entity = declared_name(item_text).filter(|(k, _)| k == "entity").map(|(_, name)| name);
        if let (Err(failure), false, Some(entity)) = (&parsed, broken[index], entity)
            && let Some(recovered) = recover_entity(&place, item_text, &entity, failure)
        {
            diagnostics.extend(recovered.problems);
            broken_items.extend(recovered.fields);
            parsed = Ok(recovered.item);
        }
        if parsed.is_err() {
            let word = item_text.split_whitespace().next().unwrap_or_default();
            broken_items.extend(match meant {
                Some(k) => declared_name(&item_text.replacen(word, k, 1)),
                None => declared_name(item_text),
            });
        }
        match parsed {
            Ok(Some(mut item)) => {
                docs.attach(&mut item);
                items.push(item);
            }
            Ok(None) => {}
            Err(_) if broken[index] => {}
            Err(failure) => {
                let failure = full_width_stop(&place, range.end, failure);
                diagnostics.push(syntax_error(file, text, &failure, meant));
            }
        }
    }
    Parsed { ast: ast::File { items }, comments: lexed.comments, diagnostics, broken: broken_items }
}

/// Where an item is: its file, the file's text, the item's offset and the file's comments.
struct Place<'a> {
    file: FileId,
    text: &'a str,
    offset: usize,
    comments: &'a [std::ops::Range<usize>],
}

/// An entity parsed again with its field lines that do not parse left out: the entity, an
/// E0001 for each line left out, and the fields so lost (`entity.field`, not to be reported
/// unknown where they are used).
struct Recovered {
    item: Option<ast::Item>,
    problems: Vec<Diagnostic>,
    fields: Vec<(String, String)>,
}

/// Leaves out, one at a time, the field line that stopped parsing `item` (or the one before
/// it: an unfinished field is noticed at the next line; whichever lets parsing go further),
/// at most [`MAX_RECOVERED`] of them; `None` when that does not give a whole entity, which is
/// then reported by its first problem, as any other item.
fn recover_entity(place: &Place<'_>, item: &str, entity: &str, first: &parse::PestFailure) -> Option<Recovered> {
    let mut patched = item.to_string();
    let mut failure = first.clone();
    let (mut problems, mut fields) = (Vec::new(), Vec::new());
    while problems.len() < MAX_RECOVERED {
        let tried = field_lines(&patched, failure.at - place.offset).into_iter().map(|line| {
            let mut t = patched.clone();
            t.replace_range(line.clone(), &" ".repeat(line.len()));
            let result = parse::parse_item(place.file, &t, place.offset, place.comments);
            let reach = result.as_ref().map_or_else(|f| f.at, |_| usize::MAX);
            (reach, line, t, result)
        });
        let (_, line, t, result) = tried.max_by_key(|(reach, ..)| *reach)?;
        if let Some(word) = patched[line].split_whitespace().find(|w| !keywords::Keywords::is(w, "optional")) {
            fields.push(("field".to_string(), format!("{entity}.{}", word.trim_end_matches(':'))));
        }
        problems.push(syntax_error(place.file, place.text, &failure, None));
        match result {
            Ok(item) => return Some(Recovered { item, problems, fields }),
            Err(next) => (patched, failure) = (t, next),
        }
    }
    None
}

/// A failure moved to the first full-width form of an ASCII sign (`：`, `，`, `％`) outside
/// strings and comments, from the start of the failure's line to the item's `end`: nothing
/// can read one, so parsing stopped there, though the parser may say so at the clause or field
/// it was in (`cite "…"："…"` at `cite`).
fn full_width_stop(place: &Place<'_>, end: usize, failure: parse::PestFailure) -> parse::PestFailure {
    let from = place.text[..failure.at].rfind('\n').map_or(0, |n| n + 1);
    let mut in_string = false;
    let mut chars = place.text[from..end].char_indices().map(|(i, c)| (from + i, c));
    while let Some((at, c)) = chars.next() {
        match c {
            _ if place.comments.iter().any(|r| r.contains(&at)) => {}
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '\n' => in_string = false,
            '！'..='～' if !in_string && !c.is_alphanumeric() => {
                let found = format!("`{c}`");
                return parse::PestFailure { at, end: at + c.len_utf8(), expected: Vec::new(), found };
            }
            _ => {}
        }
    }
    failure
}

/// E0001 where parsing an item stopped; `meant`: the declaration keyword the item's first word
/// is a slip of.
fn syntax_error(file: FileId, text: &str, failure: &parse::PestFailure, meant: Option<&str>) -> Diagnostic {
    // The keywords expected, in the form the file is written in (`适用于` in a Chinese file).
    let form = keywords::Keywords::of(text);
    let expected: Vec<String> = failure
        .expected
        .iter()
        .flat_map(|&e| match e.strip_prefix('`').and_then(|k| k.strip_suffix('`')) {
            Some(keyword) => vec![format!("`{}`", form.word(keyword))],
            // `and` or `or`, in the file's form too.
            None if e == "syntax.logic" && form == keywords::Keywords::Zh => {
                vec![format!("`{}`", form.word("and")), format!("`{}`", form.word("or"))]
            }
            None => vec![e.to_string()],
        })
        .collect();
    // A keyword misspelt, in either form (`常太`, `requir`): the nearest one expected, as written
    // in that form.
    let word = |w: &str| w.chars().count() >= 2 && w.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ' ');
    let keywords: Vec<&str> = failure
        .expected
        .iter()
        .filter_map(|e| e.strip_prefix('`').and_then(|k| k.strip_suffix('`')))
        .flat_map(|k| [k, keywords::Keywords::Zh.word(k)])
        .filter(|k| word(k))
        .collect();
    let found = failure.found.trim_matches('`');
    // A declaration keyword misspelt (`rul`): the one meant, where parsing stopped at it.
    let meant = meant.filter(|_| failure.expected.is_empty() && text[failure.at..].starts_with(found));
    let suggestion = match meant {
        Some(k) => Some(k.to_string()),
        None if word(found) => crate::diagnostics::suggest::did_you_mean(found, keywords.iter().copied()),
        None => None,
    };
    let expected = match (meant, expected.is_empty()) {
        (Some(_), _) => "@syntax.declaration".to_string(),
        (None, true) => "@syntax.valid".to_string(),
        (None, false) => format!("@{}", expected.join("|")),
    };
    let span = Span::new(file, failure.at, failure.end.max(failure.at));
    // A character typed with a Chinese input method: a full-width form of an ASCII one (`１`,
    // `％`, `：`) is named with its half-width form; Chinese quotes and brackets with all of them.
    let first = text[failure.at..].chars().next();
    let half_width =
        first.and_then(|c| char::from_u32(u32::from(c).wrapping_sub(0xFEE0)).filter(|_| ('！'..='～').contains(&c)));
    let hint = match (first, half_width) {
        (_, Some(_)) => "@E0001.full_width_char",
        (Some(c), None) if "“”‘’【】".contains(c) => "@E0001.full_width",
        _ => "@E0001.hint",
    };
    Diagnostic::new(Code::SyntaxError, widen(text, span))
        .arg("expected", expected)
        .arg("found", failure.found.clone())
        .arg("hint", hint)
        .arg("char", first.unwrap_or_default())
        .arg("ascii", half_width.unwrap_or_default())
        .suggest(suggestion)
}

/// The most field lines of one entity left out to parse the rest of it.
const MAX_RECOVERED: usize = 20;

/// The field lines of an entity's text that a failure at `at` may be the fault of: the field
/// line before (an unfinished field is noticed on the next line), then its own line (preferred
/// when both let parsing go as far). Not the header, a brace, a comment or an empty line.
fn field_lines(item: &str, at: usize) -> Vec<std::ops::Range<usize>> {
    let at = at.min(item.len());
    let line_of = |at: usize| {
        let start = item[..at].rfind('\n').map(|i| i + 1)?;
        let end = item[at..].find('\n').map_or(item.len(), |i| at + i);
        Some(start..end)
    };
    let text = |r: &std::ops::Range<usize>| item[r.clone()].trim();
    let is_field = |r: &std::ops::Range<usize>| {
        let line = text(r);
        !line.is_empty() && !line.starts_with("//") && line.matches('{').count() == line.matches('}').count()
    };
    let own = line_of(at);
    let mut before = own.as_ref().and_then(|r| r.start.checked_sub(1)).and_then(line_of);
    while let Some(r) = before.clone().filter(|r| text(r).is_empty() || text(r).starts_with("//")) {
        before = r.start.checked_sub(1).and_then(line_of);
    }
    before.into_iter().chain(own).filter(is_field).collect()
}

/// The keyword and name an item declares, read from its first words.
fn declared_name(item: &str) -> Option<(String, String)> {
    let mut words = item.split_whitespace().map(|w| keywords::english(keywords::TABLE, w)).filter(|w| *w != "root");
    let keyword = words.next()?;
    let name = words.next()?.trim_end_matches([':', '{', '"']);
    let name = match keyword {
        "metric" => name.split_once('.').map_or(name, |(_, n)| n),
        _ => name,
    };
    lex::ITEM_KEYWORDS.contains(&keyword).then(|| (keyword.to_string(), name.to_string()))
}

/// The declaration keyword an item whose first word is a slip of one (`rul`, `规责`) is meant
/// to begin with, as that word is written (English or Chinese): of the nearest keywords, the
/// one the item parses furthest with.
fn meant_keyword(place: &Place<'_>, item: &str) -> Option<&'static str> {
    let word = item.split_whitespace().next()?;
    if lex::ITEM_KEYWORDS.contains(&keywords::english(keywords::TABLE, word)) {
        return None;
    }
    let form = if word.is_ascii() { keywords::Keywords::En } else { keywords::Keywords::Zh };
    let reach = |written: &str| {
        let fixed = item.replacen(word, written, 1);
        parse::parse_item(place.file, &fixed, place.offset, place.comments).map_or_else(|f| f.at, |_| usize::MAX)
    };
    lex::item_keywords(word).into_iter().map(|k| form.word(k)).max_by_key(|k| reach(k))
}

/// Gives an empty span one character, so that the report can point at it.
fn widen(text: &str, span: Span) -> Span {
    if span.start != span.end {
        return span;
    }
    let at = span.start as usize;
    let len = text[at.min(text.len())..].chars().next().map_or(0, |c| if c == '\n' { 0 } else { c.len_utf8() });
    Span::new(span.file, at, at + len)
}

fn delimiter_diagnostic(file: FileId, text: &str, problem: &Delimiter) -> Diagnostic {
    match *problem {
        Delimiter::Unclosed { open, ch, item_end } => {
            let end = text[..item_end].trim_end().len().max(open + 1);
            Diagnostic::new(Code::UnclosedDelimiter, Span::new(file, open, open + 1))
                .arg("open", ch)
                .arg("close", lex::matching(ch))
                .with(widen(text, Span::new(file, end, end)), "related")
        }
        Delimiter::Unexpected { at, ch } => {
            Diagnostic::new(Code::UnexpectedDelimiter, Span::new(file, at, at + 1)).arg("close", ch)
        }
        Delimiter::UnterminatedString { start, line_end } => {
            Diagnostic::new(Code::UnterminatedString, Span::new(file, start, line_end.max(start + 1)))
        }
    }
}

/// Finds the `///` lines directly above a position.
struct DocIndex<'a> {
    text: &'a str,
    by_end: HashMap<usize, &'a Comment>,
}

impl<'a> DocIndex<'a> {
    fn new(text: &'a str, comments: &'a [Comment]) -> Self {
        let by_end = comments.iter().filter(|c| c.doc && c.own_line).map(|c| (c.end, c)).collect();
        DocIndex { text, by_end }
    }

    fn before(&self, start: u32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut pos = start as usize;
        loop {
            let trimmed = self.text[..pos].trim_end_matches([' ', '\t', '\r']);
            let Some(line_end) = trimmed.strip_suffix('\n').map(str::len) else { break };
            let end = self.text[..line_end].trim_end_matches('\r').len();
            match self.by_end.get(&end) {
                Some(c) => {
                    lines.push(c.text.strip_prefix(' ').unwrap_or(&c.text).to_string());
                    pos = c.start;
                }
                None => break,
            }
        }
        lines.reverse();
        lines
    }

    fn attach(&self, item: &mut ast::Item) {
        item.doc = self.before(item.span.start);
        match &mut item.kind {
            ast::ItemKind::Entity(e) => e.members.iter_mut().for_each(|m| m.doc = self.before(m.span.start)),
            ast::ItemKind::Rule(r) => r.clauses.iter_mut().for_each(|c| c.doc = self.before(c.span.start)),
            ast::ItemKind::Test(t) => t.clauses.iter_mut().for_each(|c| c.doc = self.before(c.span.start)),
            _ => {}
        }
    }
}
