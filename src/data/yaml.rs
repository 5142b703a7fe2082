//! YAML submissions: the same tree as JSON, read from saphyr-parser's event stream. Anchors
//! and aliases are expanded under a budget (an "alias bomb" is a diagnostic, not a hang),
//! nesting is bounded, and plain scalars are typed by the YAML 1.2 core schema.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::Limits;
use super::tree::{Entry, Keys, Node, Value};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Parses YAML text; `Err` holds the diagnostics when the text is not usable.
pub fn parse(file: FileId, text: &str, limits: &Limits) -> Result<Node<'static>, Vec<Diagnostic>> {
    let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
    let byte = |char_index: usize| offsets.get(char_index).copied().unwrap_or(text.len());
    let mut b = Builder {
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: (0, 0),
        root: None,
        errors: Vec::new(),
    };
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let at = byte(e.marker().index());
                // Brackets nested past the reader's own limit (it looks ahead for a key, so it
                // stops before the builder counts them): nesting too deep, at the bracket that
                // goes past ours.
                if e.info() == "recursion limit exceeded" {
                    let at = super::json::too_deep(text, limits.max_depth).unwrap_or(at);
                    let span = Span::new(file, at, (at + 1).min(text.len()).max(at));
                    return Err(vec![Diagnostic::new(Code::TooDeep, span).arg("limit", limits.max_depth)]);
                }
                // A key without its colon is noticed on the line after; a full-width `：` typed
                // with a Chinese input method is the usual cause, shown where it is.
                let colon = (e.info() == NO_COLON).then(|| full_width_colon_before(text, at)).flatten();
                let (at, problem) = match colon {
                    Some(colon) => (colon, "@yaml.scan.full_width_colon".to_string()),
                    None => (at, scan_problem(e.info())),
                };
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                let d = Diagnostic::new(Code::YamlSyntax, Span::new(file, at, end)).arg("problem", problem);
                return Err(vec![d]);
            }
        };
        let span = Span::new(file, byte(span.start.index()), byte(span.end.index()));
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(vec![Diagnostic::new(Code::YamlSyntax, span).arg("problem", "@yaml.many_documents")]);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let typed = match tag {
                    None => Ok(scalar(&value, style)),
                    Some(tag) => tagged(&value, &tag),
                };
                let value = typed.unwrap_or_else(|problem| {
                    b.errors.push(Diagnostic::new(Code::YamlSyntax, span).arg("problem", problem));
                    Value::Text(value.to_string().into())
                });
                b.complete(Node::new(value, span), anchor);
            }
            Event::SequenceStart(anchor, tag) => {
                collection_tag(tag.as_deref(), "seq", span, &mut b.errors);
                b.open(Frame::Seq { items: Vec::new(), start: span, anchor })?;
            }
            Event::MappingStart(anchor, tag) => {
                collection_tag(tag.as_deref(), "map", span, &mut b.errors);
                b.open(Frame::Map { entries: Vec::new(), keys: Keys::default(), key: None, start: span, anchor })?;
            }
            Event::SequenceEnd | Event::MappingEnd => b.close(span),
            Event::Alias(id) => b.alias(id, span)?,
            _ => {}
        }
    }
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    Ok(b.root.unwrap_or_else(|| Node::new(Value::Null, Span::new(file, 0, 0))))
}

enum Frame {
    Seq { items: Vec<Node<'static>>, start: Span, anchor: usize },
    Map { entries: Vec<Entry<'static>>, keys: Keys, key: Option<(String, Span)>, start: Span, anchor: usize },
}

struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    /// Anchored nodes with their size: nodes, and bytes of text.
    anchors: HashMap<usize, (Node<'static>, (usize, u64))>,
    /// Nodes created by expanding aliases so far, and the bytes of text they hold.
    expanded: (usize, u64),
    root: Option<Node<'static>>,
    errors: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn open(&mut self, frame: Frame) -> Result<(), Vec<Diagnostic>> {
        if self.stack.len() >= self.limits.max_depth {
            let span = match &frame {
                Frame::Seq { start, .. } | Frame::Map { start, .. } => *start,
            };
            return Err(vec![Diagnostic::new(Code::TooDeep, span).arg("limit", self.limits.max_depth)]);
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: Span) {
        let Some(frame) = self.stack.pop() else { return };
        let (node, anchor) = match frame {
            Frame::Seq { items, start, anchor } => (Node::new(Value::List(items), start.to(end)), anchor),
            Frame::Map { entries, start, anchor, .. } => (Node::new(Value::Map(entries), start.to(end)), anchor),
        };
        self.complete(node, anchor);
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), Vec<Diagnostic>> {
        // Only a value not yet finished has no anchor to expand: one the alias is inside.
        let Some((node, (nodes, bytes))) = self.anchors.get(&id) else {
            self.errors.push(Diagnostic::new(Code::YamlSyntax, span).arg("problem", "@yaml.alias_inside"));
            self.complete(Node::new(Value::Null, span), 0);
            return Ok(());
        };
        self.expanded.0 += nodes;
        self.expanded.1 = self.expanded.1.saturating_add(*bytes);
        // Few values can still be many bytes (a long text anchored once and aliased 20,000
        // times): the expansion may not hold more than a file may.
        if self.expanded.0 > self.limits.max_alias_nodes || self.expanded.1 > self.limits.max_file_bytes {
            return Err(vec![Diagnostic::new(Code::AliasLimit, span).arg("limit", self.limits.max_alias_nodes)]);
        }
        let node = node.clone();
        self.complete(node, 0);
        Ok(())
    }

    /// A finished value goes into its parent (as a key or a value) or becomes the root.
    fn complete(&mut self, node: Node<'static>, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size(&node)));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, keys, key, .. }) => match key.take() {
                None => match node.value {
                    // A merge key (`<<: *common`) is YAML 1.1, not the core schema: not read.
                    Value::Text(k) if k == "<<" => {
                        self.errors
                            .push(Diagnostic::new(Code::YamlSyntax, node.span).arg("problem", "@yaml.merge_key"));
                        *key = Some((k.into_owned(), node.span));
                    }
                    Value::Text(k) | Value::Number(k) => *key = Some((k.into_owned(), node.span)),
                    Value::Bool(b) => *key = Some((b.to_string(), node.span)),
                    Value::Null => *key = Some(("null".to_string(), node.span)),
                    _ => {
                        self.errors
                            .push(Diagnostic::new(Code::YamlSyntax, node.span).arg("problem", "@yaml.complex_key"));
                        *key = Some((String::new(), node.span));
                    }
                },
                Some((k, key_span)) => {
                    if let Some(first) = keys.find(entries, &k) {
                        self.errors.push(
                            Diagnostic::new(Code::DuplicateKey, key_span)
                                .arg("key", &k)
                                .with(entries[first].key_span, "related"),
                        );
                    } else {
                        entries.push(Entry { key: k.into(), key_span, value: node });
                    }
                }
            },
        }
    }
}

/// The size of a value: its nodes, and the bytes of its texts and keys.
fn size(node: &Node<'static>) -> (usize, u64) {
    let add = |(n, b): (usize, u64), (m, c): (usize, u64)| (n + m, b.saturating_add(c));
    let own = match &node.value {
        Value::Text(t) | Value::Number(t) => t.len() as u64,
        _ => 0,
    };
    match &node.value {
        Value::List(items) => items.iter().map(size).fold((1, own), add),
        Value::Map(entries) => entries.iter().map(|e| add(size(&e.value), (0, e.key.len() as u64))).fold((1, own), add),
        _ => (1, own),
    }
}

/// A tag as written: `!!str` for the core schema's, `!name` or `!<uri>` for others.
fn shown(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() { format!("!!{}", tag.suffix) } else { format!("{}{}", tag.handle, tag.suffix) }
}

/// A scalar with an explicit tag: the core schema's `!!str`, `!!int`, `!!float`, `!!bool` and
/// `!!null` decide its type, quoted or not (`!!str 2025` is the text "2025"); a value that does
/// not fit its tag,
/// and any other tag, is a problem (the key of its message), never silently ignored.
fn tagged(text: &str, tag: &Tag) -> Result<Value<'static>, String> {
    let problem = |key: &str| format!("@yaml.{key}:{}", shown(tag));
    if !tag.is_yaml_core_schema() {
        return Err(problem("unknown_tag"));
    }
    let plain = scalar(text, ScalarStyle::Plain);
    let fits = match tag.suffix.as_str() {
        "str" => return Ok(Value::Text(text.to_string().into())),
        "int" => matches!(&plain, Value::Number(n) if !n.contains(['.', 'e', 'E'])),
        "float" => matches!(plain, Value::Number(_)),
        "bool" => matches!(plain, Value::Bool(_)),
        "null" => matches!(plain, Value::Null),
        _ => return Err(problem("unknown_tag")),
    };
    if fits { Ok(plain) } else { Err(problem("value_not_of_tag")) }
}

/// What the YAML reader says of a key line without its colon (noticed on the next line).
const NO_COLON: &str = "simple key expect ':'";

/// Where a full-width colon `：` is on the lines before `at` back to the last one that is not
/// empty, if there is one and it has no `:`.
fn full_width_colon_before(text: &str, at: usize) -> Option<usize> {
    let before = &text[..at.min(text.len())];
    let line = before.trim_end().rsplit('\n').next()?;
    let start = before.trim_end().len() - line.len();
    (!line.contains(':')).then(|| line.find('：').map(|i| start + i)).flatten()
}

/// The YAML reader's messages the catalogs have words for (`yaml.scan.KEY`), by key.
const SCAN_PROBLEMS: &[(&str, &str)] = &[
    ("while scanning a quoted scalar, found unexpected end of stream", "unclosed_quote"),
    ("while scanning a quoted scalar, found unexpected document indicator", "quote_runs_on"),
    ("invalid trailing content after double-quoted scalar", "after_quote"),
    ("mapping values are not allowed in this context", "colon_here"),
    ("while parsing a block mapping, did not find expected key", "expected_key"),
    ("while parsing a block collection, did not find expected '-' indicator", "expected_dash"),
    ("while parsing a node, did not find expected node content", "expected_value"),
    ("block sequence entries are not allowed in this context", "dash_here"),
    ("mapping keys are not allowed in this context", "key_here"),
    ("invalid indentation", "indentation"),
    (NO_COLON, "no_colon"),
    ("invalid indentation in quoted scalar", "quote_runs_on"),
    ("invalid indentation in flow construct", "indentation"),
    ("invalid indentation for anchor", "indentation"),
    ("tabs disallowed within this context (block indentation)", "tab_indent"),
    ("tabs disallowed in this context", "tab"),
    ("while scanning a plain scalar, found a tab", "tab"),
    ("while parsing a flow mapping, did not find expected ',' or '}'", "flow_map"),
    ("while parsing a flow sequence, expected ',' or ']'", "flow_list"),
    ("unexpected end of plain scalar", "plain_end"),
    ("while parsing node, found unknown anchor", "unknown_anchor"),
    ("while parsing anchor, found duplicated anchor", "duplicate_anchor"),
    ("while parsing a quoted scalar, found unknown escape character", "unknown_escape"),
    ("found unprintable character", "unprintable"),
    ("unexpected eof", "eof"),
    ("invalid content after document end marker", "after_end"),
    ("a byte order mark must not appear inside a document", "bom"),
];

/// What the YAML reader says is wrong, as a catalog reference in the user's language where
/// the catalogs have words for it (the mistakes a hand-edited file makes), else as the reader
/// says it.
fn scan_problem(info: &str) -> String {
    match SCAN_PROBLEMS.iter().find(|(said, _)| *said == info) {
        Some((_, key)) => format!("@yaml.scan.{key}"),
        None => info.to_string(),
    }
}

/// A collection may carry its own core tag (`!!map`, `!!seq`); any other tag is a problem.
fn collection_tag(tag: Option<&Tag>, own: &str, span: Span, errors: &mut Vec<Diagnostic>) {
    if let Some(tag) = tag.filter(|t| !(t.is_yaml_core_schema() && t.suffix == own)) {
        let problem = format!("@yaml.unknown_tag:{}", shown(tag));
        errors.push(Diagnostic::new(Code::YamlSyntax, span).arg("problem", problem));
    }
}

/// Types a scalar by the YAML 1.2 core schema; quoted scalars are always text.
fn scalar(text: &str, style: ScalarStyle) -> Value<'static> {
    if style != ScalarStyle::Plain {
        return Value::Text(text.to_string().into());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(n) = u64::from_str_radix(hex, 16)
    {
        return Value::Number(n.to_string().into());
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(n) = u64::from_str_radix(oct, 8)
    {
        return Value::Number(n.to_string().into());
    }
    if is_number(text) { Value::Number(text.to_string().into()) } else { Value::Text(text.to_string().into()) }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => (digits(int) && (frac.is_empty() || digits(frac))) || (int.is_empty() && digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readers_messages_are_said_in_either_language() {
        for (said, key) in SCAN_PROBLEMS {
            for lang in [crate::diagnostics::Lang::Zh, crate::diagnostics::Lang::En] {
                let text = crate::diagnostics::catalog::text(lang, &format!("yaml.scan.{key}"), &[]);
                assert!(text.is_some_and(|t| !t.is_empty()), "{said}: no words for yaml.scan.{key}");
            }
        }
        let errors = parse(FileId(0), "a: \"open\n", &Limits::default()).expect_err("an unclosed quote");
        assert!(format!("{:?}", errors[0]).contains("@yaml.scan.unclosed_quote"), "{:?}", errors[0]);
    }

    #[test]
    fn brackets_nested_too_deep_are_nesting_too_deep_at_the_bracket_past_the_limit() {
        let limits = Limits::default();
        for depth in [limits.max_depth + 1, 300] {
            let text = format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
            let errors = parse(FileId(0), &text, &limits).expect_err("too deep");
            assert_eq!(errors[0].code, Code::TooDeep, "{depth}: {:?}", errors[0]);
            // At a bracket, no later than the one past the limit (the mapping around them
            // counts as a level where the reader gets that far).
            let at = errors[0].primary.start as usize;
            assert!(text.as_bytes()[at] == b'[' && at <= 3 + limits.max_depth, "{depth}: at {at}");
        }
    }

    #[test]
    fn core_tags_decide_the_type_and_other_tags_are_reported() {
        let text = "a: !!str 2025\nb: !!int \"12\"\nc: !!float 1.5\nd: !!bool true\ne: !!null ~\nf: !!map {x: 1}\n";
        let node = parse(FileId(0), text, &Limits::default()).expect("parses");
        let Value::Map(top) = &node.value else { panic!("map") };
        let values: Vec<&Value<'static>> = top.iter().map(|e| &e.value.value).collect();
        assert_eq!(values[0], &Value::Text("2025".into()));
        assert_eq!(values[1], &Value::Number("12".into()));
        assert_eq!(values[2], &Value::Number("1.5".into()));
        assert_eq!(values[3], &Value::Bool(true));
        assert_eq!(values[4], &Value::Null);
        for (bad, problem) in [
            ("a: !!int 1.5\n", "@yaml.value_not_of_tag:!!int"),
            ("a: !!binary aGk=\n", "@yaml.unknown_tag:!!binary"),
            ("a: !mine x\n", "@yaml.unknown_tag:!mine"),
            ("a: !!seq {x: 1}\n", "@yaml.unknown_tag:!!seq"),
        ] {
            let errors = parse(FileId(0), bad, &Limits::default()).expect_err(bad);
            assert_eq!(errors[0].code, Code::YamlSyntax, "{bad}");
            assert!(format!("{:?}", errors[0]).contains(problem), "{bad}: {:?}", errors[0]);
        }
    }

    #[test]
    fn reads_a_map_with_spans() {
        let text = "district:\n  name: 津南区\n  households: 2380\n  flag: true\n  none: ~\n  code: \"120112\"\n";
        let node = parse(FileId(0), text, &Limits::default()).expect("parses");
        let Value::Map(top) = &node.value else { panic!("map") };
        let Value::Map(d) = &top[0].value.value else { panic!("map") };
        assert_eq!(d[0].value.value, Value::Text("津南区".into()));
        assert_eq!(&text[d[0].value.span.range()], "津南区");
        assert_eq!(d[1].value.value, Value::Number("2380".into()));
        assert_eq!(&text[d[1].value.span.range()], "2380");
        assert_eq!(d[2].value.value, Value::Bool(true));
        assert_eq!(d[3].value.value, Value::Null);
        assert_eq!(d[4].value.value, Value::Text("120112".into()));
    }

    #[test]
    fn a_merge_key_is_not_read_but_reported() {
        let text = "base: &b {x: 1}\nrecord:\n  <<: *b\n  y: 2\n";
        let err = parse(FileId(0), text, &Limits::default()).expect_err("merge key");
        assert_eq!(err.len(), 1, "{err:?}");
        assert_eq!(err[0].primary.start as usize, text.find("<<").unwrap_or_default());
        assert!(format!("{:?}", err[0]).contains("@yaml.merge_key"), "{:?}", err[0]);
    }

    #[test]
    fn a_key_with_a_full_width_colon_is_shown_at_the_colon() {
        let text = "district:\n  code: \"120112\"\n  households： 3150\n  name: x\n";
        let err = parse(FileId(0), text, &Limits::default()).expect_err("no colon");
        assert_eq!(err[0].primary.start as usize, text.find('：').unwrap_or_default());
        assert!(format!("{:?}", err[0]).contains("@yaml.scan.full_width_colon"), "{:?}", err[0]);
        let text = "district:\n  code: \"120112\"\n  households 3150\n  name: x\n";
        let err = parse(FileId(0), text, &Limits::default()).expect_err("no colon");
        assert!(format!("{:?}", err[0]).contains("@yaml.scan.no_colon"), "{:?}", err[0]);
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_an_error_there() {
        for text in ["a: &r\n  b: 1\n  self: *r\n  c: 2\n", "g: &g [320, *g]\n"] {
            let err = parse(FileId(0), text, &Limits::default()).expect_err("recursive");
            assert_eq!(err.len(), 1, "{text}: {err:?}");
            assert_eq!(err[0].code, Code::YamlSyntax, "{text}");
            let at = text.find('*').unwrap_or_default();
            assert_eq!(err[0].primary.start as usize, at, "{text}: at the alias");
        }
    }

    #[test]
    fn expands_aliases_within_budget_and_stops_a_bomb() {
        let ok = "a: &x [1, 2]\nb: *x\n";
        let node = parse(FileId(0), ok, &Limits::default()).expect("parses");
        let Value::Map(m) = &node.value else { panic!("map") };
        assert!(m[1].value.same_data(&m[0].value));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse(FileId(0), &bomb, &Limits::default()).expect_err("bomb");
        assert_eq!(err[0].code, Code::AliasLimit);
        // Few values, many bytes: a long text anchored once and aliased many times.
        let long = format!("a: &t \"{}\"\nb: [{}]\n", "x".repeat(10_000), vec!["*t"; 200].join(", "));
        let limits = Limits { max_file_bytes: 1_000_000, ..Limits::default() };
        let err = parse(FileId(0), &long, &limits).expect_err("more text than a file may hold");
        assert_eq!(err[0].code, Code::AliasLimit);
        assert!(parse(FileId(0), &long, &Limits::default()).is_ok(), "2 MB fit in the default 256 MB");
    }

    #[test]
    fn nan_like_scalars_stay_text() {
        assert_eq!(scalar(".nan", ScalarStyle::Plain), Value::Text(".nan".into()));
        assert_eq!(scalar("1e3", ScalarStyle::Plain), Value::Number("1e3".into()));
        assert_eq!(scalar("0x1F", ScalarStyle::Plain), Value::Number("31".into()));
    }
}
