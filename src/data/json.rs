//! JSON submissions (the canonical format): strict RFC 8259 JSON into a [`Node`] tree with a
//! span for every key and value. Nesting is measured before parsing, so a hostile file cannot
//! exhaust the stack.

use jsonc_parser::ast::{ObjectPropName, Value as Json};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::Limits;
use super::tree::{Entry, Keys, Node, Value};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Parses JSON text; `Err` holds the diagnostics when the text is not usable JSON.
pub fn parse<'t>(file: FileId, text: &'t str, limits: &Limits) -> Result<Node<'t>, Vec<Diagnostic>> {
    if let Some(node) = super::json_fast::parse(file, text, limits.max_depth) {
        return Ok(node);
    }
    careful(file, text, limits)
}

/// The careful path: every problem of a text that is not usable JSON, with its place. Public
/// so that the fuzz target can hold the fast path to it.
pub fn careful(file: FileId, text: &str, limits: &Limits) -> Result<Node<'static>, Vec<Diagnostic>> {
    if let Some(at) = too_deep(text, limits.max_depth) {
        let d = Diagnostic::new(Code::TooDeep, Span::new(file, at, at + 1)).arg("limit", limits.max_depth);
        return Err(vec![d]);
    }
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
        let range = e.range();
        let kind = e.kind();
        vec![syntax_error(file, text, kind, range.start, range.end)]
    })?;
    let Some(root) = parsed.value else {
        return Err(vec![Diagnostic::new(Code::JsonSyntax, Span::new(file, 0, 0)).arg("problem", "@json.empty")]);
    };
    let mut diagnostics = Vec::new();
    let node = convert(file, &root, &mut diagnostics);
    if diagnostics.is_empty() { Ok(node) } else { Err(diagnostics) }
}

/// The diagnostic of the first syntax error, of `kind` at `start..end`.
fn syntax_error(file: FileId, text: &str, kind: &ParseErrorKind, start: usize, end: usize) -> Diagnostic {
    // A text still open where it ends (a file cut short) is marked at its end, with where the
    // unclosed part opens; not the whole of it, which may be the whole file.
    let (last_at, last) = text.trim_end().char_indices().last().unwrap_or((start, ' '));
    let at_end = Span::new(file, last_at, last_at + last.len_utf8());
    let opened = |at: usize| Span::new(file, at, at + 1);
    match kind {
        ParseErrorKind::UnterminatedObject | ParseErrorKind::UnterminatedArray => {
            return Diagnostic::new(Code::JsonSyntax, at_end)
                .with(opened(start), "opened")
                .arg("problem", problem(kind));
        }
        ParseErrorKind::String(_) if !closes(text, start) => {
            return Diagnostic::new(Code::JsonSyntax, at_end)
                .with(opened(start), "opened")
                .arg("problem", "@json.cut_in_string");
        }
        _ => {}
    }
    let vague = matches!(problem(kind), "@json.unexpected" | "@json.key_not_string" | "@json.expected_value");
    // Cut after a key's colon or inside a word (`tru`): nothing but that word follows.
    let rest = text.get(start..).unwrap_or_default().trim();
    let cut = rest.is_empty() || !rest.contains([',', '[', ']', '{', '}', ':', '"']);
    if let (true, true, Some(open)) = (vague, cut, innermost_open(text)) {
        return Diagnostic::new(Code::JsonSyntax, at_end)
            .with(opened(open), "opened")
            .arg("problem", "@json.unterminated");
    }
    // A value written as people write it, not as JSON does: said for what it is.
    if let Some((start, word, problem)) = bare_value(text, start).filter(|_| vague) {
        let number = super::bind::number_in(word).unwrap_or_default();
        let d = Diagnostic::new(Code::JsonSyntax, Span::new(file, start, start + word.len())).arg("problem", problem);
        return d.arg("word", word).arg("number", number);
    }
    let end = end.max(start + 1).min(text.len().max(start));
    Diagnostic::new(Code::JsonSyntax, Span::new(file, start, end)).arg("problem", problem(kind))
}

/// Where the innermost list or record still open at the end of the text opens.
fn innermost_open(text: &str) -> Option<usize> {
    let mut open = Vec::new();
    for (i, b) in brackets(text) {
        match b {
            b'[' | b'{' => open.push(i),
            _ => {
                open.pop();
            }
        }
    }
    open.pop()
}

/// The brackets of a JSON text outside its strings, with their offsets.
fn brackets(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let (mut in_string, mut escaped) = (false, false);
    text.bytes().enumerate().filter(move |&(_, b)| {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            return false;
        }
        in_string = b == b'"';
        matches!(b, b'[' | b'{' | b']' | b'}')
    })
}

/// Whether the string that opens at `at` closes before the text ends.
fn closes(text: &str, at: usize) -> bool {
    let mut escaped = false;
    for b in text.bytes().skip(at + 1) {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return true,
            _ => {}
        }
    }
    false
}

/// A value around `at` that is a word, not JSON (`３１５０`, `3150户`, `是`, `甲`), where a
/// value is expected (after `:`, `[` or an item's `,`): where it starts, the word, and what
/// is wrong with it.
fn bare_value(text: &str, at: usize) -> Option<(usize, &str, &'static str)> {
    let edge = |c: char| matches!(c, ',' | '[' | ']' | '{' | '}' | ':' | '"') || c.is_whitespace();
    let head = text.get(..at)?;
    // The word starts after the last edge before `at` (`3150户` is reported at `户`).
    let start = head.rfind(edge).map_or(0, |i| i + head[i..].chars().next().map_or(1, char::len_utf8));
    // A number written with thousands separators (`1,111,534`) reads as `1`, then a key
    // `111`: the whole of it is the word.
    let grouped = |c: char| c.is_ascii_digit() || c == ',';
    let first = head.trim_end_matches(grouped).len();
    let last = text[at..].find(|c: char| !grouped(c)).map_or(text.len(), |i| at + i);
    let run = text[first..last].trim_end_matches(',');
    let groups: Vec<&str> = run.split(',').collect();
    let thousands = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && (first..=last).contains(&at);
    let start = if thousands { first } else { start };
    let before = text[..start].trim_end().chars().last()?;
    let rest = &text[start..];
    let word = match thousands {
        true => run,
        false => &rest[..rest.find(edge).unwrap_or(rest.len())],
    };
    let key = rest[word.len()..].trim_start().starts_with(':');
    if word.is_empty() || key || !matches!(before, ':' | '[' | ',') {
        return None;
    }
    let problem = if super::bind::number_in(word).is_some() {
        "@json.bare_number"
    } else if super::bind::is_yes_or_no(word) {
        "@json.bare_truth"
    } else {
        "@json.bare_word"
    };
    Some((start, word, problem))
}

/// The byte offset where nesting first exceeds `limit`, ignoring brackets inside strings.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in brackets(text) {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            _ => depth = depth.saturating_sub(1),
        }
    }
    None
}

fn problem(kind: &ParseErrorKind) -> &'static str {
    use ParseErrorKind::*;
    match kind {
        UnterminatedObject | UnterminatedArray => "@json.unterminated",
        String(_) => "@json.bad_string",
        ExpectedComma => "@json.expected_comma",
        ExpectedColonAfterObjectKey => "@json.expected_colon",
        TrailingCommasNotAllowed => "@json.trailing_comma",
        CommentsNotAllowed | UnterminatedCommentBlock => "@json.comment",
        NonFiniteNumbersNotAllowed => "@json.non_finite",
        SingleQuotedStringsNotAllowed => "@json.single_quote",
        ExpectedStringObjectProperty | UnexpectedWord => "@json.key_not_string",
        MultipleRootJsonValues => "@json.multiple_roots",
        ExpectedObjectValue => "@json.expected_value",
        HexadecimalNumbersNotAllowed
        | UnaryPlusNumbersNotAllowed
        | BareDecimalPointNumbersNotAllowed
        | ExpectedDigit
        | ExpectedDigitFollowingNegativeSign
        | ExpectedPlusMinusOrDigitInNumberLiteral => "@json.bad_number",
        NestingDepthExceeded => "@json.too_deep",
        _ => "@json.unexpected",
    }
}

fn convert(file: FileId, json: &Json<'_>, diagnostics: &mut Vec<Diagnostic>) -> Node<'static> {
    let span = |r: jsonc_parser::common::Range| Span::new(file, r.start, r.end);
    match json {
        Json::NullKeyword(n) => Node::new(Value::Null, span(n.range)),
        Json::BooleanLit(b) => Node::new(Value::Bool(b.value), span(b.range)),
        Json::NumberLit(n) => Node::new(Value::Number(n.value.to_string().into()), span(n.range)),
        Json::StringLit(s) => Node::new(Value::Text(s.value.to_string().into()), span(s.range)),
        Json::Array(a) => {
            Node::new(Value::List(a.elements.iter().map(|e| convert(file, e, diagnostics)).collect()), span(a.range))
        }
        Json::Object(o) => {
            let mut entries: Vec<Entry> = Vec::with_capacity(o.properties.len());
            let mut keys = Keys::default();
            for prop in &o.properties {
                let (key, key_range) = match &prop.name {
                    ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                let key_span = span(key_range);
                if let Some(first) = keys.find(&entries, &key) {
                    let first = entries[first].key_span;
                    diagnostics
                        .push(Diagnostic::new(Code::DuplicateKey, key_span).arg("key", &key).with(first, "related"));
                    continue;
                }
                entries.push(Entry { key: key.into(), key_span, value: convert(file, &prop.value, diagnostics) });
            }
            Node::new(Value::Map(entries), span(o.range))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = r#"{"households": 2380, "name": "仁和园社区"}"#;
        let node = parse(FileId(0), text, &Limits::default()).expect("parses");
        let Value::Map(entries) = &node.value else { panic!("a map") };
        assert_eq!(&text[entries[0].key_span.range()], "\"households\"");
        assert_eq!(&text[entries[0].value.span.range()], "2380");
        assert_eq!(&text[entries[1].value.span.range()], "\"仁和园社区\"");
    }

    #[test]
    fn rejects_duplicate_keys_and_deep_nesting() {
        let dup = parse(FileId(0), r#"{"a": 1, "a": 2}"#, &Limits::default()).expect_err("duplicate");
        assert_eq!(dup[0].code, Code::DuplicateKey);
        let deep = "[".repeat(100_000);
        let err = parse(FileId(0), &deep, &Limits::default()).expect_err("too deep");
        assert_eq!(err[0].code, Code::TooDeep);
    }

    /// The fast path gives the careful path's tree wherever it gives one.
    fn same_as_careful(text: &str) -> bool {
        let limits = Limits::default();
        match super::super::json_fast::parse(FileId(0), text, limits.max_depth) {
            Some(fast) => careful(FileId(0), text, &limits).is_ok_and(|c| c == fast),
            None => true,
        }
    }

    #[test]
    fn the_fast_path_reads_what_the_careful_path_reads() {
        let examples = [
            r#"{"a": [1, -0.5, 2e10, 3E-2, true, false, null], "b": {"c": "x\"y\\z\/\n\u00e9\ud83d\ude00"}}"#,
            "  [ ]  ",
            "{}",
            r#""仁和园社区""#,
        ];
        for text in examples {
            assert!(super::super::json_fast::parse(FileId(0), text, 64).is_some(), "{text}");
            assert!(same_as_careful(text), "{text}");
        }
        for bad in
            [r#"{"a": 01}"#, r#"{"a": 1,}"#, r#"{"a": 1, "a": 2}"#, "[1 2]", r#""\u12""#, "[1] [2]", "", "-", "1."]
        {
            assert!(super::super::json_fast::parse(FileId(0), bad, 64).is_none(), "{bad}");
        }
        let spec = include_str!("../../tests/submissions/example-jinnan-2024.json");
        assert!(super::super::json_fast::parse(FileId(0), spec, 64).is_some());
        assert!(same_as_careful(spec));
    }

    #[test]
    fn the_fast_path_finds_a_repeated_key_among_many() {
        // More keys than the fingerprint has bits, short and long, alike at both ends: distinct
        // keys whose fingerprints meet are still read, and a repeat of any one is found.
        let keys: Vec<String> = (0..300)
            .map(|i| match i % 3 {
                0 => format!("k{i}"),
                1 => format!("has_{i}_volunteer_station"),
                _ => format!("facility_total_area_{i:04}_m2"),
            })
            .collect();
        let object = |extra: Option<&str>| {
            let mut entries: Vec<String> = keys.iter().map(|k| format!("\"{k}\": 1")).collect();
            entries.extend(extra.map(|k| format!("\"{k}\": 2")));
            format!("{{{}}}", entries.join(", "))
        };
        let text = object(None);
        assert!(super::super::json_fast::parse(FileId(0), &text, 64).is_some());
        assert!(same_as_careful(&text));
        for key in &keys {
            assert!(super::super::json_fast::parse(FileId(0), &object(Some(key)), 64).is_none(), "{key}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_agrees_on_mangled_text(cut in 0usize..4000, junk in "[\\[\\]{}\",:0-9a-z\\-\\\\]{0,8}") {
            let base = include_str!("../../tests/submissions/example-jinnan-2024.json");
            let at = (0..=cut.min(base.len())).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
            let text = format!("{}{junk}{}", &base[..at], &base[at..]);
            proptest::prop_assert!(same_as_careful(&text));
        }
    }

    #[test]
    fn rejects_nan() {
        let err = parse(FileId(0), r#"{"a": NaN}"#, &Limits::default()).expect_err("NaN");
        assert_eq!(err[0].code, Code::JsonSyntax);
    }
}
