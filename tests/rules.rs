//! Properties of the shipped rule set in `rules/`: it lints clean, parses back to the same
//! AST after formatting, keeps valid spans, is formatted, and every likely mistake a policy
//! officer makes in it (a misspelt name, a deleted closing delimiter) is caught.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use plancheck::diagnostics::{Lang, render};
use plancheck::source::{FileId, Span};
use plancheck::syntax::ast::*;
use plancheck::syntax::parse_file;

fn files() -> Vec<(PathBuf, String)> {
    common::shipped_rule_files()
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("rules file");
            (p, text)
        })
        .collect()
}

#[test]
fn shipped_rules_lint_clean() {
    let set = common::check_files(&common::shipped_rule_files());
    let shown = render::render_all(&set.diagnostics.0, &set.sources, Lang::En);
    assert!(set.diagnostics.0.is_empty(), "{shown}");
    assert!(set.checked.model.rules.len() >= 16, "the §3.5, §3.6 and §3.13 rules are there");
}

#[test]
fn formatting_round_trips_to_the_same_ast() {
    for (path, text) in files() {
        let first = parse_file(FileId(0), &text);
        let formatted = plancheck::fmt::format(FileId(0), &text).expect("formats");
        let second = parse_file(FileId(0), &formatted);
        assert!(second.diagnostics.is_empty(), "{} does not parse after formatting", path.display());
        // Formatting moves every node: the trees must be equal but for where nodes were written.
        let (first, second) = (shape(&first.ast), shape(&second.ast));
        assert_eq!(first, second, "{} changed meaning when formatted", path.display());
    }
}

#[test]
fn a_moved_node_is_equal_only_without_its_span() {
    let (_, text) = files().into_iter().next().expect("a rule file");
    let first = parse_file(FileId(0), &text);
    let second = parse_file(FileId(0), &format!("\n{text}"));
    assert_ne!(first.ast, second.ast, "spans are compared");
    assert_eq!(shape(&first.ast), shape(&second.ast));
}

#[test]
fn rules_are_formatted_and_formatting_is_idempotent() {
    for (path, text) in files() {
        let once = plancheck::fmt::format(FileId(0), &text).expect("formats");
        let twice = plancheck::fmt::format(FileId(0), &once).expect("formats again");
        assert_eq!(once, twice, "formatting {} twice changes it", path.display());
        assert_eq!(text, once, "{} is not formatted: run `plancheck fmt`", path.display());
    }
}

/// Checks that a span lies in the file and inside its parent, and that names match their text.
struct SpanCheck<'t> {
    text: &'t str,
    path: String,
}

impl SpanCheck<'_> {
    fn within(&self, span: Span, parent: Span, what: &str) {
        assert!(
            span.start <= span.end && span.end as usize <= self.text.len(),
            "{}: {what} span out of file",
            self.path
        );
        assert!(
            parent.start <= span.start && span.end <= parent.end,
            "{}: {what} at {:?} lies outside its parent {:?}",
            self.path,
            span.range(),
            parent.range()
        );
        assert!(self.text.is_char_boundary(span.start as usize) && self.text.is_char_boundary(span.end as usize));
    }

    fn name(&self, n: &Name, parent: Span) {
        self.within(n.span, parent, "name");
        assert_eq!(&self.text[n.span.range()], n.text, "{}: a name's span shows other text", self.path);
    }

    fn expr(&self, e: &Expr, parent: Span) {
        self.within(e.span, parent, "expression");
        let p = e.span;
        match &e.kind {
            ExprKind::Path(names) => names.iter().for_each(|n| self.name(n, p)),
            ExprKind::Paren(x) | ExprKind::Unary(_, x) => self.expr(x, p),
            ExprKind::Binary(_, a, b) => {
                self.expr(a, p);
                self.expr(b, p);
                assert!(a.span.end <= b.span.start, "{}: operands out of order", self.path);
            }
            ExprKind::If(c, a, b) => [c, a, b].iter().for_each(|x| self.expr(x, p)),
            ExprKind::Call(n, args) => {
                self.name(n, p);
                args.iter().for_each(|a| self.expr(a, p));
            }
            ExprKind::Aggregate(agg) => {
                self.within(agg.func_span, p, "aggregate");
                agg.scope.iter().flatten().for_each(|n| self.name(n, p));
                agg.value.iter().chain(agg.filter.iter()).for_each(|x| self.expr(x, p));
            }
            ExprKind::Quantity(q) => self.within(q.span, p, "quantity"),
            ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Date(_) | ExprKind::Each => {}
        }
    }

    fn value(&self, v: &Value, parent: Span) {
        self.within(v.span(), parent, "value");
        match v {
            Value::Record(r) => self.record(r, parent),
            Value::List(items, s) => items.iter().for_each(|i| self.value(i, *s)),
            _ => {}
        }
    }

    fn record(&self, r: &Record, parent: Span) {
        self.within(r.span, parent, "record");
        for (k, v) in &r.entries {
            self.name(k, r.span);
            self.value(v, r.span);
        }
    }
}

#[test]
fn every_span_is_inside_its_parent_and_names_match_their_text() {
    for (path, text) in files() {
        let parsed = parse_file(FileId(0), &text);
        let c = SpanCheck { text: &text, path: path.display().to_string() };
        let file = Span::new(FileId(0), 0, text.len());
        let mut previous_end = 0;
        for item in &parsed.ast.items {
            c.within(item.span, file, "item");
            assert!(item.span.start >= previous_end, "items overlap");
            previous_end = item.span.end;
            let s = item.span;
            match &item.kind {
                ItemKind::Entity(e) => {
                    c.name(&e.name, s);
                    for m in &e.members {
                        c.within(m.span, s, "member");
                        match &m.kind {
                            MemberKind::Field(f) => {
                                c.name(&f.name, m.span);
                                c.within(f.ty.span, m.span, "type");
                            }
                            MemberKind::Key(n) | MemberKind::Display(n) => c.name(n, m.span),
                            MemberKind::Unique(names) => names.iter().for_each(|n| c.name(n, m.span)),
                        }
                    }
                }
                ItemKind::Metric(m) => {
                    c.name(&m.entity, s);
                    c.name(&m.name, s);
                    c.expr(&m.expr, s);
                }
                ItemKind::Rule(r) => {
                    c.name(&r.id, s);
                    for clause in &r.clauses {
                        c.within(clause.span, s, "clause");
                        match &clause.kind {
                            ClauseKind::Applies { entities, condition } => {
                                entities.iter().for_each(|n| c.name(n, clause.span));
                                condition.iter().for_each(|e| c.expr(e, clause.span));
                            }
                            ClauseKind::Require(e) => c.expr(e, clause.span),
                            ClauseKind::Responsible(list) => list.iter().for_each(|d| c.name(&d.name, clause.span)),
                            ClauseKind::Kind(n) | ClauseKind::Severity(n) => c.name(n, clause.span),
                            _ => {}
                        }
                    }
                }
                ItemKind::Test(t) => {
                    for clause in &t.clauses {
                        c.within(clause.span, s, "test clause");
                        if let TestClauseKind::Given { entity, record } = &clause.kind {
                            c.name(entity, clause.span);
                            c.record(record, clause.span);
                        }
                    }
                }
                ItemKind::Department(d) => c.name(&d.name, s),
                ItemKind::Area(a) => c.name(&a.name, s),
                ItemKind::Unit(u) => c.name(&u.name, s),
                ItemKind::Plan(_) => {}
            }
        }
    }
}

/// The byte offsets of every closing delimiter of `text`: `}` `)` `]` and closing quotes,
/// outside comments.
fn closing_delimiters(text: &str) -> Vec<usize> {
    let mut positions = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    for (i, ch) in text.char_indices() {
        match ch {
            '\n' => {
                in_comment = false;
                in_string = false;
            }
            '/' if !in_string && text[i..].starts_with("//") => in_comment = true,
            '"' if !in_comment => {
                if in_string {
                    positions.push(i);
                }
                in_string = !in_string;
            }
            '}' | ')' | ']' if !in_string && !in_comment => positions.push(i),
            _ => {}
        }
    }
    positions
}

/// Deleting `text[at]` is reported, with a line and column.
fn assert_deletion_reported(text: &str, at: usize, context: &str) {
    let mut broken = text.to_string();
    broken.remove(at);
    let shown = parsed_shown("f.rules", &broken);
    assert!(!shown.is_empty(), "{context}: deleting the `{}` went unnoticed", &text[at..at + 1]);
    assert!(shown.contains("[f.rules:"), "{context}: no line and column in:\n{shown}");
}

#[test]
fn deleting_any_closing_delimiter_is_reported_with_its_line_and_column() {
    for (path, text) in files() {
        // Each deletion is tried on the item that holds it and the item after it (which a
        // missing brace runs into), so that the test stays linear in the size of `rules/`.
        let parsed = parse_file(FileId(0), &text);
        let starts: Vec<usize> = parsed.ast.items.iter().map(|i| i.span.start as usize).collect();
        let positions = closing_delimiters(&text);
        assert!(!positions.is_empty());
        for at in positions {
            let item = starts.partition_point(|s| *s <= at).saturating_sub(1);
            let from = starts.get(item).copied().unwrap_or(0).min(at);
            let to = starts.get(item + 2).copied().unwrap_or(text.len());
            let context = format!("{} byte {at}", path.display());
            assert_deletion_reported(&text[from..to], at - from, &context);
        }
        // And on the whole file, at its first and last delimiter.
        let all = closing_delimiters(&text);
        for at in [all[0], all[all.len() - 1]] {
            assert_deletion_reported(&text, at, &format!("{} byte {at} (whole file)", path.display()));
        }
    }
}

/// A name, its misspelling and where it stands.
type Misspelling = (String, String, Span);

/// A likely typo: two neighbouring characters swapped (on characters, so Chinese works too).
fn misspell(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let i = (1..chars.len().saturating_sub(1)).find(|&i| chars[i] != chars[i + 1])?;
    let mut out = chars.clone();
    out.swap(i, i + 1);
    Some(out.into_iter().collect())
}

#[test]
fn misspelt_fields_departments_and_rule_ids_are_caught_with_the_right_spelling() {
    let paths = common::shipped_rule_files();
    let set = common::check_files(&paths);
    let model = &set.checked.model;
    let fields: Vec<&str> = model.entities.iter().flat_map(|e| e.fields.iter().map(|f| f.name.as_str())).collect();
    // One occurrence of every distinct name: (file, span, name).
    let mut occurrences: BTreeMap<String, (usize, Span)> = BTreeMap::new();
    for (index, (_, text)) in files().iter().enumerate() {
        let parsed = parse_file(FileId(index as u32), text);
        let mut note = |name: &Name| {
            occurrences.entry(name.text.clone()).or_insert((index, name.span));
        };
        for item in &parsed.ast.items {
            match &item.kind {
                ItemKind::Rule(r) => {
                    for clause in &r.clauses {
                        match &clause.kind {
                            ClauseKind::Responsible(list) => list.iter().for_each(|d| note(&d.name)),
                            ClauseKind::Param { source: Some(path), .. } => path.iter().for_each(&mut note),
                            ClauseKind::Require(e) => paths_in(e, &mut |n| {
                                if fields.contains(&n.text.as_str()) {
                                    note(n)
                                }
                            }),
                            ClauseKind::Applies { condition: Some(e), .. } => paths_in(e, &mut |n| {
                                if fields.contains(&n.text.as_str()) {
                                    note(n)
                                }
                            }),
                            _ => {}
                        }
                    }
                }
                ItemKind::Metric(m) => paths_in(&m.expr, &mut |n| {
                    if fields.contains(&n.text.as_str()) {
                        note(n)
                    }
                }),
                ItemKind::Test(t) => {
                    for clause in &t.clauses {
                        match &clause.kind {
                            TestClauseKind::Expect { rule, .. } => note(rule),
                            TestClauseKind::Given { record, .. } => record_keys(record, &mut note),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    assert!(occurrences.len() > 50, "found only {} names to misspell", occurrences.len());
    // Misspellings are made many at a time, but at most one per item, so that one cannot hide
    // another (a misspelt list hides the keys inside it); a swap keeps every span in place.
    // All of a round must be reported: plancheck reports every problem of a run.
    let texts: Vec<String> = files().into_iter().map(|(_, t)| t).collect();
    let item_starts: Vec<Vec<u32>> =
        texts.iter().map(|t| parse_file(FileId(0), t).ast.items.iter().map(|i| i.span.start).collect()).collect();
    // (file, round) → (name, misspelling, where)
    let mut rounds: BTreeMap<(usize, usize), Vec<Misspelling>> = BTreeMap::new();
    let mut taken: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (name, (file, span)) in occurrences {
        let Some(wrong) = misspell(&name) else { continue };
        let item = item_starts[file].partition_point(|s| *s <= span.start);
        let round = taken.entry((file, item)).or_default();
        rounds.entry((file, *round)).or_default().push((name, wrong, span));
        *round += 1;
    }
    for ((file, _), names) in rounds {
        let mut text = texts[file].clone();
        for (_, wrong, span) in &names {
            text.replace_range(span.range(), wrong);
        }
        let set = common::check_with(&paths, &paths[file], &text);
        let shown = || render::render_all(&set.diagnostics.0, &set.sources, Lang::En);
        for (name, wrong, span) in &names {
            let hit = set
                .diagnostics
                .0
                .iter()
                .any(|d| d.primary.start == span.start && d.suggestion.as_deref() == Some(name.as_str()));
            assert!(hit, "misspelling `{name}` as `{wrong}` did not suggest `{name}`:\n{}", shown());
        }
    }
}

fn paths_in(e: &Expr, f: &mut impl FnMut(&Name)) {
    match &e.kind {
        ExprKind::Path(names) => names.iter().for_each(&mut *f),
        ExprKind::Paren(x) | ExprKind::Unary(_, x) => paths_in(x, f),
        ExprKind::Binary(_, a, b) => {
            paths_in(a, f);
            paths_in(b, f);
        }
        ExprKind::If(c, a, b) => [c, a, b].iter().for_each(|x| paths_in(x, f)),
        ExprKind::Call(_, args) => args.iter().for_each(|a| paths_in(a, f)),
        ExprKind::Aggregate(agg) => agg.value.iter().chain(agg.filter.iter()).for_each(|x| paths_in(x, f)),
        _ => {}
    }
}

fn record_keys(r: &Record, f: &mut impl FnMut(&Name)) {
    for (k, v) in &r.entries {
        f(k);
        match v {
            Value::Record(inner) => record_keys(inner, f),
            Value::List(items, _) => items.iter().for_each(|i| {
                if let Value::Record(inner) = i {
                    record_keys(inner, f)
                }
            }),
            _ => {}
        }
    }
}

#[test]
fn the_committed_catalog_is_up_to_date() {
    let set = common::check_files(&common::shipped_rule_files());
    for (name, text) in plancheck::report::plan_catalog::write(&set.checked.model, Lang::Zh) {
        let path = common::root().join("docs/catalog").join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == text, "docs/catalog/{name} is out of date: run `cargo run -- doc`");
    }
}

#[test]
fn every_file_round_trips_through_chinese_keywords() {
    use plancheck::syntax::keywords::Keywords;
    for (path, text) in files() {
        let zh = plancheck::fmt::format_in(FileId(0), &text, Keywords::Zh).expect("formats in Chinese");
        assert_ne!(zh, text, "{}: the keywords are rewritten", path.display());
        assert_eq!(Keywords::of(&zh), Keywords::Zh);
        let parsed = parse_file(FileId(0), &zh);
        assert!(parsed.diagnostics.is_empty(), "{} in Chinese does not parse", path.display());
        // The meaning is the same: see the whole rule set checked and tested in Chinese below.
        assert_eq!(plancheck::fmt::format(FileId(0), &zh).expect("formats"), zh, "fmt keeps a Chinese file Chinese");
        let english_words: Vec<&str> = plancheck::syntax::keywords::TABLE
            .iter()
            .flat_map(|(en, _)| en.split(' '))
            .chain(plancheck::syntax::keywords::VALUES.iter().map(|(en, _)| *en))
            .collect();
        for token in words_outside_strings(&zh) {
            assert!(!english_words.contains(&token), "{}: English keyword `{token}` left in Chinese", path.display());
        }
        let back = plancheck::fmt::format_in(FileId(0), &zh, Keywords::En).expect("formats in English");
        assert_eq!(back, text, "{}: back to English gives the file", path.display());
    }
}

#[test]
fn a_rule_set_in_chinese_keywords_checks_and_judges_as_in_english() {
    use plancheck::syntax::keywords::Keywords;
    let english = common::check_files(&common::shipped_rule_files());
    let dir = common::root().join("target/plancheck-fixtures/zh-rules");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    for entry in std::fs::read_dir(common::root().join("rules")).expect("rules") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let text = match path.extension().is_some_and(|e| e == "rules") {
            true => plancheck::fmt::format_in(FileId(0), &text, Keywords::Zh).expect("formats"),
            false => text,
        };
        std::fs::write(dir.join(path.file_name().expect("name")), text).expect("write");
    }
    let chinese = plancheck::load::load(&dir, plancheck::parallel::threads()).expect("loads");
    assert!(
        chinese.diagnostics.0.is_empty(),
        "{}",
        render::render_all(&chinese.diagnostics.0, &chinese.sources, Lang::En)
    );
    assert_eq!(chinese.checked.model.rules.len(), english.checked.model.rules.len());
    let failed = plancheck::eval::cases::run(&chinese.checked.model).iter().filter(|r| !r.passed()).count();
    assert_eq!(failed, 0, "every rule test passes in Chinese keywords");
    // A submission is judged exactly as with the English rules.
    assert_eq!(example_verdicts(chinese), example_verdicts(english), "the same verdicts");
}

/// Each verdict on the spec's example submission under a rule set: rule, subject, status, value.
fn example_verdicts(
    set: plancheck::load::RuleSet,
) -> Vec<(usize, plancheck::data::instance::InstanceId, plancheck::check::model::Status, Option<plancheck::eval::Val>)>
{
    let mut engine = plancheck::engine::Engine::new(set);
    let example = common::root().join("tests/submissions/example-jinnan-2024.json");
    let loaded = engine.load(&[example], &Default::default());
    let mut out = Vec::new();
    engine.verdicts(&loaded, &Default::default(), |v| out.push((v.rule, v.subject, v.status, v.actual)));
    out
}

/// The words of a rules text outside strings and comments.
fn words_outside_strings(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        for (i, part) in code.split('"').enumerate() {
            if i % 2 == 0 {
                out.extend(part.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()));
            }
        }
    }
    out
}

/// The rules front end's invariants (the `rules` fuzz target holds the same, `fuzz/`): on a
/// shipped file with junk put in anywhere, parse → check → render never panics, and a file
/// that still parses formats to the same tree, is left alone by a second `fmt`, and comes
/// back byte for byte through Chinese keywords.
mod front_end {
    use super::*;
    use plancheck::syntax::keywords::Keywords;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static FILES: LazyLock<Vec<(PathBuf, String)>> = LazyLock::new(files);

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        #[test]
        fn mangled_rules_never_panic_and_format_faithfully(
            which in 0usize..64,
            cut in 0usize..40_000,
            junk in "([ \n(){}\\[\\]:=<>*/+,.\"#-]|rule|param|if|then|else|sum|of|0|1\\.5|%|规则|人|x){0,6}",
        ) {
            let (_, base) = &FILES[which % FILES.len()];
            let at = (0..=cut.min(base.len())).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
            let text = format!("{}{junk}{}", &base[..at], &base[at..]);
            let mut sources = plancheck::source::SourceMap::new();
            sources.add("mangled.rules", "mangled.rules", text.clone());
            let set = plancheck::load::from_sources(sources, plancheck::parallel::threads());
            render::render_all(&set.diagnostics.0, &set.sources, Lang::Zh);
            let parsed = &set.files[0].1;
            if parsed.diagnostics.is_empty() {
                let formatted = plancheck::fmt::format(FileId(0), &text).expect("a file that parses formats");
                let again = parse_file(FileId(0), &formatted);
                prop_assert!(again.diagnostics.is_empty(), "{formatted}");
                prop_assert_eq!(shape(&parsed.ast), shape(&again.ast));
                prop_assert_eq!(plancheck::fmt::format(FileId(0), &formatted).ok(), Some(formatted.clone()));
                let zh = plancheck::fmt::format_in(FileId(0), &formatted, Keywords::Zh).expect("formats in Chinese");
                prop_assert_eq!(plancheck::fmt::format_in(FileId(0), &zh, Keywords::En).ok(), Some(formatted));
            }
        }
    }
}

/// One missing `:` in a field of the data model is one error at its line: the entity keeps
/// its other fields, so no rule that reads it is reported (it used to be 207 errors, the
/// first of them not the cause).
#[test]
fn a_broken_field_line_is_one_error_not_a_cascade() {
    let files = common::shipped_rule_files();
    let model = files.iter().find(|p| p.ends_with("01-model.rules")).expect("the model file");
    let text = std::fs::read_to_string(model).expect("model");
    let field_lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("    ") && !l.trim_start().starts_with("//") && l.contains(": "))
        .step_by(25)
        .collect();
    assert!(field_lines.len() >= 5);
    for (number, line) in field_lines {
        let broken = line.replacen(": ", " ", 1);
        let changed: Vec<&str> =
            text.lines().enumerate().map(|(i, l)| if i == number { broken.as_str() } else { l }).collect();
        let set = common::check_with(&files, model, &(changed.join("\n") + "\n"));
        let shown = render::render_all(&set.diagnostics.0, &set.sources, Lang::En);
        let codes: Vec<&str> = set.diagnostics.0.iter().map(|d| d.code.code()).collect();
        assert_eq!(codes, ["E0001"], "{line}:\n{shown}");
        assert!(shown.contains(&format!("01-model.rules:{}:", number + 1)), "{line}:\n{shown}");
    }
    // A field left unfinished is noticed on the next line: still one error, and the next
    // line's field is not taken for the broken one.
    let unfinished =
        text.replacen("online_24h_service_channels: list of text", "online_24h_service_channels: list of", 1);
    let set = common::check_with(&files, model, &unfinished);
    let shown = render::render_all(&set.diagnostics.0, &set.sources, Lang::En);
    assert_eq!(set.diagnostics.0.iter().map(|d| d.code.code()).collect::<Vec<_>>(), ["E0001"], "{shown}");
    // An entity of thousands of broken lines is one error too, found at once.
    let mut many = String::from("entity e {\n");
    for i in 0..5000 {
        many.push_str(&format!("    f{i} count\n"));
    }
    many.push_str("}\n");
    let parsed = parse_file(FileId(0), &many);
    assert_eq!(parsed.diagnostics.len(), 1);
}

/// A rules file saved in GBK is one E0006 and nothing else, in any file of the set: every other
/// diagnostic would follow from its garbled names.
#[test]
fn a_rules_file_not_in_utf8_is_one_error_for_the_whole_set() {
    let dir = common::rules_copy("gbk");
    let model = dir.join("01-model.rules");
    let text = std::fs::read_to_string(&model).expect("read");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(&model, bytes).expect("write");
    let set = plancheck::load::load(&dir, plancheck::parallel::threads()).expect("readable");
    let codes: Vec<&str> = set.diagnostics.0.iter().map(|d| d.code.code()).collect();
    assert_eq!(codes, ["E0006"], "{}", render::render_all(&set.diagnostics.0, &set.sources, Lang::En));
}

/// A parameter in the wrong unit is shown where its unit is written, not only where it is
/// compared.
#[test]
fn a_parameter_in_the_wrong_unit_is_shown_at_its_own_line() {
    let files = common::shipped_rule_files();
    let path = files.iter().find(|p| p.ends_with("10-participation.rules")).expect("file");
    let text = std::fs::read_to_string(path).expect("read");
    let line = "    param min_demonstration_communities = 1 个";
    let at = text.lines().position(|l| l.starts_with(line)).expect("the parameter") + 1;
    let set =
        common::check_with(&files, path, &text.replacen(line, "    param min_demonstration_communities = 1 户", 1));
    let shown = render::render_all(&set.diagnostics.0, &set.sources, Lang::En);
    let codes: Vec<&str> = set.diagnostics.0.iter().map(|d| d.code.code()).collect();
    assert_eq!(codes, ["E0301"], "{shown}");
    assert!(shown.contains(&format!("10-participation.rules:{at}:43")), "{shown}");
    assert!(shown.contains("the parameter's unit is written here"), "{shown}");
}

/// A rules file with its own plan header stands alone, whichever keyword form it is written in
/// and with or without a byte-order mark; a draft without one is read with its directory.
#[test]
fn a_file_with_its_own_plan_header_stands_alone() {
    let dir = common::rules_copy("standalone");
    let own = dir.join("alone.rules");
    std::fs::write(&own, "\u{FEFF}规划 \"示例\" {\n    规划期 2021 至 2025\n    全文 \"plan.txt\"\n}\n")
        .expect("write");
    let set = plancheck::load::load(&own, plancheck::parallel::threads()).expect("readable");
    assert_eq!(set.sources.len(), 1, "read alone");
    let draft = dir.join("draft.rules");
    std::fs::write(&draft, "// a draft without a header\n").expect("write");
    let set = plancheck::load::load(&draft, plancheck::parallel::threads()).expect("readable");
    assert!(set.sources.len() > 2 && set.focus.is_some(), "read with its directory");
}

/// A missing comma between the values of an enum is reported where the comma is missing.
#[test]
fn a_missing_comma_in_an_enum_is_found_where_it_is_missing() {
    let text = "entity e {\n    version: enum { \"1.0\" \"2.0\" }\n}\n";
    let shown = parsed_shown("e.rules", text);
    assert!(shown.contains("expected `,`, `}`, found `\"2.0\"`") && shown.contains("e.rules:2:27"), "{shown}");
}

#[test]
fn an_enum_word_may_be_written_by_its_name_in_a_formula() {
    // `type: enum { subdistrict "街道", town "镇", township "乡", … }`
    let files = common::shipped_rule_files();
    let consistency = common::root().join("rules/02-consistency.rules");
    let text = std::fs::read_to_string(&consistency).expect("readable");
    let words = "(type == \"town\" or type == \"township\")";
    assert!(text.contains(words), "the rule this test rewrites");
    let judge = |set: plancheck::load::RuleSet| {
        let errors = render::render_all(&set.diagnostics.0, &set.sources, Lang::En);
        assert!(set.diagnostics.0.is_empty(), "{errors}");
        example_verdicts(set)
    };
    let named = common::check_with(&files, &consistency, &text.replace(words, "(type == \"镇\" or type == \"乡\")"));
    let check = named.checked.model.consistency.iter().find(|c| c.id == "health_township_given_for_towns");
    let compiled = format!("{:?}", check.map(|c| c.judgements.iter().map(|j| &j.require).collect::<Vec<_>>()));
    assert!(compiled.contains("Text(\"town\")") && compiled.contains("Text(\"township\")"), "{compiled}");
    assert!(!compiled.contains("镇"), "compiled to the words: {compiled}");
    assert_eq!(judge(named), judge(common::check_files(&files)), "the same verdicts as with the words");
    // A name the rules do not give is still an unknown word.
    let wrong = common::check_with(&files, &consistency, &text.replace(words, "(type == \"镇\" or type == \"村\")"));
    let codes: Vec<&str> = wrong.diagnostics.0.iter().map(|d| d.code.code()).collect();
    assert_eq!(codes, ["E0108"], "{}", render::render_all(&wrong.diagnostics.0, &wrong.sources, Lang::En));
}

/// A long word a syntax error found is shown cut with `…`, so that its end is not taken for a
/// misspelling (`disaster_officer_rat` for `disaster_officer_rate`).
#[test]
fn a_long_word_found_by_a_syntax_error_is_shown_cut() {
    let shown = parsed_shown("f.rules", "rule disaster_officer_rate \"x\" {\n}\n");
    assert!(shown.contains("`disaster_officer_rat…`"), "{shown}");
}

/// The syntax problems of one file's `text` as `lint` shows them in English.
fn parsed_shown(name: &str, text: &str) -> String {
    let parsed = parse_file(FileId(0), text);
    let mut sources = plancheck::source::SourceMap::new();
    sources.add(name, name, text.to_string());
    render::render_all(&parsed.diagnostics, &sources, Lang::En)
}

/// The shipped rules checked with the first `from` in 20-facilities.rules written `to`, as
/// `lint` shows their problems in English.
fn facilities_with(from: &str, to: &str) -> String {
    let files = common::shipped_rule_files();
    let path = files.iter().find(|f| f.ends_with("20-facilities.rules")).expect("the file");
    let text = std::fs::read_to_string(path).expect("readable");
    let changed = text.replacen(from, to, 1);
    assert_ne!(changed, text, "{from}");
    let set = common::check_with(&files, path, &changed);
    render::render_all(&set.diagnostics.0, &set.sources, Lang::En)
}

/// An entity written by its Chinese title, as a Chinese-speaking author would (`适用于 社区`),
/// is suggested by the entity's name: `community`, titled 城市社区（居委会）; `街道` is `street`.
#[test]
fn an_entity_written_by_its_chinese_title_is_suggested_by_name() {
    for (written, meant) in [("社区", "community"), ("街道", "street"), ("派出所", "police_station")] {
        let shown = facilities_with("    applies to community\n", &format!("    applies to {written}\n"));
        assert!(shown.contains(&format!("did you mean `{meant}`?")), "{written}:\n{shown}");
    }
}

/// A full-width form of an ASCII character typed with a Chinese input method (`１００`, `％`,
/// `：`) is named with the half-width form to write.
#[test]
fn a_full_width_character_is_named_with_its_half_width_form() {
    for (from, to, said) in [
        (">= 30 m²/百户", ">= ３０ m²/百户", "write the half-width `3`"),
        ("applies to community\n", "applies to community：\n", "write the half-width `:`"),
    ] {
        let shown = facilities_with(from, to);
        assert!(shown.contains(said), "{to}:\n{shown}");
    }
    // Where the parser would stop earlier (at the clause, at the field), the mark is still at
    // the character: the column of `：` in its line.
    for (from, to) in [
        ("    cite \"规划背景 › 发展基础\": \"每个社区", "    cite \"规划背景 › 发展基础\"：\"每个社区"),
        ("            code: \"120112\"", "            code：\"120112\""),
    ] {
        let shown = facilities_with(from, to);
        let line = shown.lines().find_map(|l| l.split_once(" │ ").map(|(_, text)| text).filter(|t| t.contains('：')));
        let column = line.and_then(|l| l.split('：').next()).map_or(0, |before| before.chars().count() + 1);
        assert!(shown.contains(&format!(":{column}]")), "{to}: at column {column}:\n{shown}");
        assert!(shown.contains("write the half-width `:`"), "{to}:\n{shown}");
        assert_eq!(shown.matches("× ").count(), 1, "{to}: one error:\n{shown}");
    }
}

/// A declaration keyword misspelt at the start of a line (`rul`, `规责`) is an error at that
/// word, with the keyword meant — not a problem of the metric above it — and the rule it
/// declares is not reported unknown where a test expects it. An indented declaration is one.
#[test]
fn a_misspelt_or_indented_declaration_keyword_is_its_own_item() {
    let rule = "\nrule facilities.urban_area_per_100_households ";
    for (written, meant) in [("rul", "rule"), ("规责", "规则"), ("metirc", "metric")] {
        let shown = match written {
            "metirc" => {
                facilities_with("\nmetric community.activity_area_share ", "\nmetirc community.activity_area_share ")
            }
            _ => facilities_with(rule, &rule.replacen("rule", written, 1)),
        };
        assert_eq!(shown.matches("× ").count(), 1, "{written}: one error:\n{shown}");
        assert!(shown.contains(&format!("did you mean `{meant}`?")), "{written}:\n{shown}");
        let marked = format!("{written} ");
        assert!(shown.lines().any(|l| l.contains("│ ") && l.contains(&marked)), "{written}: at the word:\n{shown}");
        assert!(!shown.contains("E0104") && !shown.contains("W0"), "{written}: no cascade:\n{shown}");
    }
    for indent in ["  ", "\t"] {
        let shown = facilities_with(rule, &format!("\n{indent}{}", &rule[1..]));
        assert!(shown.is_empty(), "{indent:?}: an indented declaration is read as one:\n{shown}");
    }
}

/// A rule left uncompiled for a misspelt level (`applies to communty`) is one error: the metric
/// only it reads is not then reported unused.
#[test]
fn a_rule_with_an_unknown_level_does_not_make_its_metric_unused() {
    let shown = facilities_with(
        "    applies to community where has_comprehensive_service_facility and households > 0\n",
        "    applies to communty where has_comprehensive_service_facility and households > 0\n",
    );
    assert!(shown.contains("E0102") && shown.contains("did you mean `community`?"), "{shown}");
    assert!(!shown.contains("W0101"), "no guess about the metric it reads:\n{shown}");
}
