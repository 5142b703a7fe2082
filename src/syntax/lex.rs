//! A light lexical pre-pass over a whole file, run before pest: it finds comments (kept for
//! the formatter and doc comments), checks that brackets and strings are closed, and splits
//! the file into top-level items so that one item's syntax error does not hide the next.

/// A `//` comment. Offsets are bytes into the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
    /// The text after `//` (for doc comments, after `///`), without the line end.
    pub text: String,
    pub doc: bool,
    /// Nothing but white space stands before it on its line.
    pub own_line: bool,
}

/// A bracket or string problem, found without parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// An opening bracket with no closing one before the item ends.
    Unclosed { open: usize, ch: char, item_end: usize },
    /// A closing bracket with no opening one.
    Unexpected { at: usize, ch: char },
    /// A string literal still open at the end of its line.
    UnterminatedString { start: usize, line_end: usize },
}

/// Result of the pre-pass.
#[derive(Debug, Default)]
pub struct Lexed {
    pub comments: Vec<Comment>,
    /// Byte ranges of the top-level items (the first may hold stray text before any item).
    pub items: Vec<std::ops::Range<usize>>,
    /// Delimiter problems, with the index of the item they belong to.
    pub problems: Vec<(usize, Delimiter)>,
}

/// Keywords that start a top-level item at the beginning of a line (in either form, see
/// `keywords::TABLE`).
pub const ITEM_KEYWORDS: &[&str] =
    &["plan", "area", "department", "unit", "root", "entity", "metric", "rule", "consistency", "test"];

enum Token {
    Open(usize, char),
    Close(usize, char),
    BadString(usize, usize),
}

pub fn lex(text: &str) -> Lexed {
    let mut out = Lexed::default();
    let mut tokens = Vec::new();
    let mut item_starts = Vec::new();
    let bytes = text.as_bytes();
    let mut line_start = true;
    // Brackets open since the last item that began at the start of a line.
    let mut depth = 0usize;
    let mut i = 0;
    while i < text.len() {
        let c = bytes[i];
        if line_start {
            // A declaration at the start of a line; indented, or with its keyword misspelt
            // (`rul`, `规责`), where no bracket is open: so that it is reported as itself, not
            // as what follows the item above.
            let word = text[i..].trim_start_matches([' ', '\t']);
            let at = text.len() - word.len();
            match starts_item(word) {
                Some(Start::Keyword) if at == i => {
                    item_starts.push(i);
                    depth = 0;
                }
                Some(_) if depth == 0 => item_starts.push(at),
                _ => {}
            }
        }
        line_start = false;
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let doc = text[i..].starts_with("///") && !text[i..].starts_with("////");
                let body = if doc { &text[i + 3..end] } else { &text[i + 2..end] };
                let before = &text[text[..i].rfind('\n').map_or(0, |n| n + 1)..i];
                out.comments.push(Comment {
                    start: i,
                    end,
                    text: body.trim_end_matches('\r').to_string(),
                    doc,
                    own_line: before.trim().is_empty(),
                });
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                let mut closed = false;
                while j < text.len() {
                    match bytes[j] {
                        b'\\' => j += 2,
                        b'"' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        b'\n' => break,
                        _ => j += 1,
                    }
                }
                if !closed {
                    let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                    tokens.push(Token::BadString(i, line_end.min(text.len())));
                    j = line_end;
                }
                i = j.min(text.len());
            }
            b'(' | b'{' | b'[' => {
                tokens.push(Token::Open(i, c as char));
                depth += 1;
                i += 1;
            }
            b')' | b'}' | b']' => {
                tokens.push(Token::Close(i, c as char));
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    // Items: from each item start to the next; text before the first item is its own chunk
    // unless it holds nothing but comments and white space.
    let mut bounds = item_starts.clone();
    if bounds.first() != Some(&0) && !only_trivia(&text[..bounds.first().copied().unwrap_or(text.len())], &out.comments)
    {
        bounds.insert(0, 0);
    }
    for (k, &start) in bounds.iter().enumerate() {
        let end = bounds.get(k + 1).copied().unwrap_or(text.len());
        out.items.push(start..end);
    }
    check_delimiters(&tokens, &out.items, &mut out.problems);
    out
}

/// How a line's first word starts an item.
enum Start {
    Keyword,
    Misspelt,
}

/// Whether `rest` begins with a declaration keyword and a space, or with a word one slip away
/// from one (`rul`, `规责`, at least two Chinese or three other characters) followed by a space
/// and a name.
fn starts_item(rest: &str) -> Option<Start> {
    let end = rest.find(char::is_whitespace).filter(|&e| e > 0 && rest[e..].starts_with([' ', '\t']))?;
    let word = &rest[..end];
    if ITEM_KEYWORDS.contains(&super::keywords::english(super::keywords::TABLE, word)) {
        return Some(Start::Keyword);
    }
    let named = rest[end..].trim_start().starts_with(|c: char| c.is_alphabetic() || c == '_');
    (named && !item_keywords(word).is_empty()).then_some(Start::Misspelt)
}

/// The declaration keywords (in English) `word` is, or is a slip away from: one where it is
/// one, else the nearest, several where they are as near (`规责`: `规划` and `规则`).
pub fn item_keywords(word: &str) -> Vec<&'static str> {
    let english = super::keywords::english(super::keywords::TABLE, word);
    if let Some(k) = ITEM_KEYWORDS.iter().find(|k| **k == english) {
        return vec![k];
    }
    if word.chars().count() < if word.is_ascii() { 3 } else { 2 } {
        return Vec::new();
    }
    let forms = |k: &'static str| [k, super::keywords::Keywords::Zh.word(k)];
    if crate::diagnostics::suggest::did_you_mean(word, ITEM_KEYWORDS.iter().flat_map(|k| forms(k))).is_none() {
        return Vec::new();
    }
    let distance = |k: &'static str| forms(k).map(|f| strsim::damerau_levenshtein(word, f)).into_iter().min();
    let nearest = ITEM_KEYWORDS.iter().map(|k| distance(k)).min().flatten();
    ITEM_KEYWORDS.iter().copied().filter(|k| distance(k) == nearest).collect()
}

fn only_trivia(text: &str, comments: &[Comment]) -> bool {
    let mut rest = String::with_capacity(text.len());
    let mut pos = 0;
    for c in comments.iter().filter(|c| c.end <= text.len()) {
        rest.push_str(&text[pos..c.start]);
        pos = c.end;
    }
    rest.push_str(&text[pos.min(text.len())..]);
    rest.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}').is_empty()
}

fn check_delimiters(tokens: &[Token], items: &[std::ops::Range<usize>], problems: &mut Vec<(usize, Delimiter)>) {
    let item_of = |at: usize| items.iter().position(|r| r.contains(&at)).unwrap_or(0);
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut current = usize::MAX;
    let flush = |stack: &mut Vec<(usize, char)>, item: usize, problems: &mut Vec<(usize, Delimiter)>| {
        for (open, ch) in stack.drain(..).rev() {
            let item_end = items.get(item).map_or(open, |r| r.end);
            problems.push((item, Delimiter::Unclosed { open, ch, item_end }));
        }
    };
    for token in tokens {
        let at = match token {
            Token::Open(at, _) | Token::Close(at, _) | Token::BadString(at, _) => *at,
        };
        let item = item_of(at);
        if item != current {
            if current != usize::MAX {
                flush(&mut stack, current, problems);
            }
            current = item;
        }
        match *token {
            Token::Open(at, ch) => stack.push((at, ch)),
            Token::Close(at, ch) => match stack.iter().rposition(|&(_, o)| matching(o) == ch) {
                Some(depth) => {
                    // Everything opened after the matching bracket was never closed.
                    for (open, open_ch) in stack.drain(depth + 1..).rev() {
                        problems.push((item, Delimiter::Unclosed { open, ch: open_ch, item_end: at }));
                    }
                    stack.pop();
                }
                None => problems.push((item, Delimiter::Unexpected { at, ch })),
            },
            Token::BadString(start, line_end) => {
                problems.push((item, Delimiter::UnterminatedString { start, line_end }));
            }
        }
    }
    if current != usize::MAX {
        flush(&mut stack, current, problems);
    }
    // A few brackets of one item left open (or closed too often) are each worth a mark; a
    // hundred thousand are one mistake, or no rules at all.
    let mut shown: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    problems.retain(|(item, _)| {
        let n = shown.entry(*item).or_default();
        *n += 1;
        *n <= DELIMITER_PROBLEMS_SHOWN
    });
}

/// The most bracket problems reported for one item.
const DELIMITER_PROBLEMS_SHOWN: usize = 3;

/// The closing bracket of an opening one.
pub fn matching(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_items_and_finds_comments() {
        let text = "// head\nunit 人 \"person\"\n/// doc\nrule a.b \"t\" {\n}\n";
        let lexed = lex(text);
        assert_eq!(lexed.items.len(), 2);
        assert_eq!(lexed.comments.len(), 2);
        assert!(lexed.comments[1].doc);
        assert!(lexed.problems.is_empty());
    }

    #[test]
    fn reports_unclosed_brace_per_item() {
        let text = "rule a.b \"t\" {\n  require x > (1\n}\nrule c.d \"u\" {\n";
        let lexed = lex(text);
        assert_eq!(lexed.problems.len(), 2);
        assert!(matches!(lexed.problems[0], (0, Delimiter::Unclosed { ch: '(', .. })));
        assert!(matches!(lexed.problems[1], (1, Delimiter::Unclosed { ch: '{', .. })));
    }

    #[test]
    fn reports_unterminated_string() {
        let text = "department 市民政局 \"Civil affairs\nunit 人\n";
        let lexed = lex(text);
        let quote = text.find('"').unwrap_or_default();
        assert!(matches!(lexed.problems[0].1, Delimiter::UnterminatedString { start, .. } if start == quote));
    }
}
