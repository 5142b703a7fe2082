//! The canonical formatter: prints an AST back as text in one layout (four-space indents, one
//! clause per line, at most one blank line) and puts every comment back next to the code it
//! was written beside. It refuses to format a file with syntax errors or if any comment would
//! be lost.

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::ast::*;
use crate::syntax::keywords::{self, Keywords};
use crate::syntax::lex::Comment;
use crate::syntax::{self, Parsed};

const WIDTH: usize = 100;
const INDENT: &str = "    ";

/// Why a file could not be formatted.
#[derive(Debug)]
pub enum FmtError {
    /// The file does not parse; these are its syntax errors.
    Syntax(Vec<Diagnostic>),
    /// Formatting would have dropped or altered a comment (a bug in the formatter).
    CommentLost(String),
}

thread_local! {
    /// The form of the keywords being written (set for one call of [`format_in`]).
    static FORM: std::cell::Cell<Keywords> = const { std::cell::Cell::new(Keywords::En) };
}

/// A keyword (or an operator's word) in the form being written.
fn kw(english: &'static str) -> &'static str {
    FORM.with(|f| f.get().word(english))
}

/// A vocabulary word (`expected`, `pass`…) in the form being written.
fn value(word: &str) -> String {
    FORM.with(|f| f.get().translate(keywords::VALUES, word))
}

/// Formats the text of one `.rules` file, keeping the form of its keywords.
pub fn format(file: FileId, text: &str) -> Result<String, FmtError> {
    format_in(file, text, Keywords::of(text))
}

/// Formats the text of one `.rules` file with its keywords in English or in Chinese.
pub fn format_in(file: FileId, text: &str, form: Keywords) -> Result<String, FmtError> {
    let outer = FORM.with(|f| f.replace(form));
    let result = format_as(file, text);
    FORM.with(|f| f.set(outer));
    result
}

fn format_as(file: FileId, text: &str) -> Result<String, FmtError> {
    let parsed = syntax::parse_file(file, text);
    if !parsed.diagnostics.is_empty() {
        return Err(FmtError::Syntax(parsed.diagnostics));
    }
    let out = Printer::new(text, &parsed).file(&parsed.ast);
    let before = comment_texts(&parsed.comments);
    let after = comment_texts(&syntax::lex::lex(&out).comments);
    if before != after {
        let missing = before.into_iter().find(|c| !after.contains(c)).unwrap_or_default();
        return Err(FmtError::CommentLost(missing));
    }
    Ok(out)
}

fn comment_texts(comments: &[Comment]) -> Vec<String> {
    let mut texts: Vec<String> = comments.iter().map(|c| format!("{}{}", c.doc, c.text.trim())).collect();
    texts.sort();
    texts
}

struct Printer<'t> {
    text: &'t str,
    comments: Vec<(Comment, bool)>,
    lines: Vec<String>,
    depth: usize,
    /// Source position up to which everything has been printed.
    done: usize,
}

impl<'t> Printer<'t> {
    fn new(text: &'t str, parsed: &Parsed) -> Self {
        Printer {
            text,
            comments: parsed.comments.iter().cloned().map(|c| (c, false)).collect(),
            lines: Vec::new(),
            depth: 0,
            done: 0,
        }
    }

    fn indent(&self) -> String {
        INDENT.repeat(self.depth)
    }

    /// Whether the source has a blank line between `from` and `to`.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let lines: Vec<&str> = self.text[from.min(to)..to].split('\n').collect();
        lines.len() > 2 && lines[1..lines.len() - 1].iter().any(|l| l.trim().is_empty())
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty() && !l.ends_with('{')) {
            self.lines.push(String::new());
        }
    }

    fn raw(c: &Comment) -> String {
        if c.doc { format!("///{}", c.text) } else { format!("//{}", c.text) }
    }

    /// Prints own-line comments that end before `pos`, keeping single blank lines.
    fn comments_before(&mut self, pos: usize) {
        for i in 0..self.comments.len() {
            let (c, printed) = &self.comments[i];
            if *printed || c.end > pos {
                continue;
            }
            let c = c.clone();
            if self.blank_between(self.done, c.start) {
                self.blank();
            }
            let line = format!("{}{}", self.indent(), Self::raw(&c));
            self.lines.push(line);
            self.comments[i].1 = true;
            self.done = c.end;
        }
    }

    /// Prints one unit of output (one or more lines) for the source range `start..end`.
    fn unit(&mut self, start: usize, end: usize, lines: Vec<String>, blank_ok: bool) {
        self.comments_before(start);
        if blank_ok && self.blank_between(self.done, start) {
            self.blank();
        }
        let line_end = self.text[end..].find('\n').map_or(self.text.len(), |n| end + n);
        let mut trailing = Vec::new();
        for i in 0..self.comments.len() {
            let (c, printed) = &self.comments[i];
            if *printed || c.start < start || c.start >= line_end {
                continue;
            }
            let c = c.clone();
            self.comments[i].1 = true;
            if c.own_line {
                let line = format!("{}{}", self.indent(), Self::raw(&c));
                self.lines.push(line);
            } else {
                trailing.push(c);
            }
        }
        let last_trailing = trailing.pop();
        for c in trailing {
            let line = format!("{}{}", self.indent(), Self::raw(&c));
            self.lines.push(line);
        }
        let indent = self.indent();
        let count = lines.len();
        for (i, l) in lines.into_iter().enumerate() {
            let mut line = if l.is_empty() { l } else { format!("{indent}{l}") };
            if i + 1 == count
                && let Some(c) = &last_trailing
            {
                line.push_str("  ");
                line.push_str(&Self::raw(c));
            }
            self.lines.push(line);
        }
        self.done = line_end.max(end);
    }

    fn file(mut self, file: &File) -> String {
        let mut previous_block = false;
        for item in &file.items {
            let block = !matches!(item.kind, ItemKind::Area(_) | ItemKind::Department(_) | ItemKind::Unit(_));
            if (block || previous_block) && !self.lines.is_empty() {
                self.blank();
            }
            self.item(item);
            previous_block = block;
        }
        self.comments_before(self.text.len());
        let mut out = self.lines.join("\n");
        while out.ends_with('\n') {
            out.pop();
        }
        out.push('\n');
        out
    }

    fn item(&mut self, item: &Item) {
        let start = item.span.start as usize;
        let end = item.span.end as usize;
        match &item.kind {
            ItemKind::Plan(p) => {
                let header = format!("{} {} {{", kw("plan"), string(&p.title.value));
                self.block(start, p.title.span.end as usize, end, header, |pr| {
                    for c in &p.clauses {
                        let value = match &c.value {
                            PlanValue::Str(s) => string(&s.value),
                            PlanValue::Date(d) => d.text.clone(),
                            PlanValue::Number(n, _) => n.clone(),
                            PlanValue::Period { from, to, .. } => format!("{from} {} {to}", kw("to")),
                            PlanValue::Part { code, name, .. } => format!("{code} {}", string(&name.value)),
                            PlanValue::Heading { zh, en } => format!("{} {}", string(&zh.value), string(&en.value)),
                        };
                        pr.unit(
                            c.span.start as usize,
                            c.span.end as usize,
                            vec![format!(
                                "{} {value}",
                                FORM.with(|f| f.get().translate(keywords::PLAN_KEYS, &c.key.text))
                            )],
                            true,
                        );
                    }
                });
            }
            ItemKind::Area(a) => {
                let line =
                    format!("{} {} {}{}", kw("area"), a.name.text, string(&a.title.value), opt_string(&a.english));
                self.unit(start, end, vec![line], true);
            }
            ItemKind::Department(d) => {
                let line = format!("{} {}{}", kw("department"), d.name.text, opt_string(&d.english));
                self.unit(start, end, vec![line], true);
            }
            ItemKind::Unit(u) => {
                let def = u.definition.as_ref().map_or(String::new(), |q| format!(" = {}", quantity(q)));
                let line = format!("{} {}{def}{}", kw("unit"), u.name.text, opt_string(&u.description));
                self.unit(start, end, vec![line], true);
            }
            ItemKind::Entity(e) => {
                let root = if e.root { format!("{} ", kw("root")) } else { String::new() };
                let header = format!(
                    "{root}{} {}{}{} {{",
                    kw("entity"),
                    e.name.text,
                    opt_string(&e.title),
                    opt_string(&e.english)
                );
                let header_end = e.english.as_ref().or(e.title.as_ref()).map_or(e.name.span.end, |s| s.span.end);
                self.block(start, header_end as usize, end, header, |pr| {
                    for m in &e.members {
                        let line = match &m.kind {
                            MemberKind::Key(n) => format!("{} {}", kw("key"), n.text),
                            MemberKind::Display(n) => format!("{} {}", kw("display"), n.text),
                            MemberKind::Unique(names) => {
                                format!(
                                    "{} {}",
                                    kw("unique"),
                                    names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(", ")
                                )
                            }
                            MemberKind::Field(f) => {
                                let optional = if f.optional { format!("{} ", kw("optional")) } else { String::new() };
                                let refers = f.refers.as_ref().map_or(String::new(), |r| {
                                    let names: Vec<&str> = r.entities.iter().map(|n| n.text.as_str()).collect();
                                    let once = if r.once { format!(" {}", kw("once")) } else { String::new() };
                                    format!(" {} {}{once}", kw("refers to"), names.join(", "))
                                });
                                format!("{optional}{}: {}{refers}", f.name.text, type_expr(&f.ty))
                            }
                        };
                        pr.unit(m.span.start as usize, m.span.end as usize, vec![line], true);
                    }
                });
            }
            ItemKind::Metric(m) => {
                let title = opt_string(&m.title);
                let unit = m.unit.as_ref().map_or(String::new(), |u| format!(": {}", u.text()));
                let head = format!("{} {}.{}{title}{unit} =", kw("metric"), m.entity.text, m.name.text);
                let body = expr(&m.expr);
                let lines = if head.chars().count() + body.chars().count() < WIDTH {
                    vec![format!("{head} {body}")]
                } else {
                    vec![head, format!("{INDENT}{body}")]
                };
                self.unit(start, end, lines, true);
            }
            ItemKind::Rule(r) => {
                let header = format!(
                    "{} {} {}{} {{",
                    if r.consistency { kw("consistency") } else { kw("rule") },
                    r.id.text,
                    string(&r.title.value),
                    r.english.as_ref().map_or(String::new(), |e| format!(" {} {}", kw("en"), string(&e.value)))
                );
                let header_end = r.english.as_ref().unwrap_or(&r.title).span.end as usize;
                self.block(start, header_end, end, header, |pr| {
                    for c in &r.clauses {
                        pr.unit(c.span.start as usize, c.span.end as usize, vec![clause(&c.kind)], true);
                    }
                });
            }
            ItemKind::Test(t) => {
                let header = format!("{} {} {{", kw("test"), string(&t.name.value));
                self.block(start, t.name.span.end as usize, end, header, |pr| {
                    for c in &t.clauses {
                        let lines = test_clause(&c.kind, pr.depth);
                        pr.unit(c.span.start as usize, c.span.end as usize, lines, true);
                    }
                });
            }
        }
    }

    /// A `header {` … `}` block; `header_end` is where the header's last token ends.
    fn block(&mut self, start: usize, header_end: usize, end: usize, header: String, body: impl FnOnce(&mut Self)) {
        let brace = self.text[header_end..end].find('{').map_or(header_end, |n| header_end + n + 1);
        self.unit(start, brace, vec![header], true);
        self.depth += 1;
        body(self);
        let close = end.saturating_sub(1);
        self.comments_before(close);
        self.depth -= 1;
        self.unit(close, end, vec!["}".to_string()], false);
    }
}

fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn opt_string(s: &Option<Str>) -> String {
    s.as_ref().map_or(String::new(), |s| format!(" {}", string(&s.value)))
}

fn quantity(q: &Quantity) -> String {
    match &q.unit {
        None => q.number.clone(),
        Some(u) if u.text() == "%" || u.text() == "‰" => format!("{}{}", q.number, u.text()),
        Some(u) => format!("{} {}", q.number, u.text()),
    }
}

fn type_expr(t: &TypeExpr) -> String {
    let body = match &t.kind {
        TypeKind::Named { name, size, unit } => {
            let mut s = FORM.with(|f| f.get().translate(keywords::TYPES, &name.text));
            if let Some(n) = size {
                s.push_str(&format!("({n})"));
            }
            if let Some(u) = unit {
                s.push(' ');
                s.push_str(&u.text());
            }
            s
        }
        TypeKind::List(inner) => format!("{} {}", kw("list of"), type_expr(inner)),
        TypeKind::Enum(v) => {
            let value = |w: &EnumWord| {
                let word =
                    if syntax::parse::is_ident(&w.word.text) { w.word.text.clone() } else { string(&w.word.text) };
                match &w.label {
                    Some(label) => format!("{word} {}", string(&label.value)),
                    None => word,
                }
            };
            format!("{} {{ {} }}", kw("enum"), v.iter().map(value).collect::<Vec<_>>().join(", "))
        }
    };
    if t.nullable { format!("{body}?") } else { body }
}

fn clause(c: &ClauseKind) -> String {
    match c {
        ClauseKind::Applies { entities, condition } => {
            let names = entities.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(", ");
            match condition {
                Some(e) => format!("{} {names} {} {}", kw("applies to"), kw("where"), expr(e)),
                None => format!("{} {names}", kw("applies to")),
            }
        }
        ClauseKind::Require(e) => format!("{} {}", kw("require"), expr(e)),
        ClauseKind::Standing => kw("standing").to_string(),
        ClauseKind::Target { due, baseline } => match baseline {
            Some(b) => {
                let level = b.level.as_ref().map_or(String::new(), |l| format!(" {} {}", kw("for"), l.text));
                let (target, baseline, within) = (kw("target by"), kw("baseline"), kw("in"));
                format!("{target} {}, {baseline} {} {within} {}{level}", due.text, quantity(&b.value), b.year)
            }
            None => format!("{} {}", kw("target by"), due.text),
        },
        ClauseKind::Kind(n) => format!("{} {}", kw("kind"), value(&n.text)),
        ClauseKind::Severity(n) => format!("{} {}", kw("severity"), value(&n.text)),
        ClauseKind::Responsible(list) => {
            let names: Vec<String> = list
                .iter()
                .map(|d| if d.lead { format!("{} ({})", d.name.text, kw("lead")) } else { d.name.text.clone() })
                .collect();
            format!("{} {}", kw("responsible"), names.join(", "))
        }
        ClauseKind::Cite { section, quote } => {
            format!("{} {}: {}", kw("cite"), string(&section.value), string(&quote.value))
        }
        ClauseKind::Param { name, default, unit, source, description } => {
            let from = source.as_ref().map_or(String::new(), |path| {
                format!(" {} {}", kw("from"), path.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join("."))
            });
            let value = match (default, unit) {
                (Some(d), _) => format!(" = {}", quantity(d)),
                (None, Some(u)) => format!(": {}", u.text()),
                (None, None) => String::new(),
            };
            format!("{} {}{value}{from}{}", kw("param"), name.text, opt_string(description))
        }
    }
}

fn test_clause(c: &TestClauseKind, depth: usize) -> Vec<String> {
    match c {
        TestClauseKind::Given { entity, record: r } => {
            let head = format!("{} {} ", kw("given"), entity.text);
            let inline = record_inline(r);
            if (depth * 4) + head.chars().count() + inline.chars().count() <= WIDTH {
                vec![format!("{head}{inline}")]
            } else {
                let mut lines = record_block(r, 0);
                lines[0] = format!("{head}{}", lines[0]);
                lines
            }
        }
        TestClauseKind::AsOf(d) => vec![format!("{} {}", kw("as of"), d.text)],
        TestClauseKind::With { param, value } => vec![format!("{} {} = {}", kw("with"), param.text, quantity(value))],
        TestClauseKind::Expect { rule, status, subject } => {
            let subject = subject.as_ref().map_or(String::new(), |s| format!(" {} {}", kw("for"), string(&s.value)));
            vec![format!("{} {} {} {}{subject}", kw("expect"), rule.text, kw("is"), value(&status.text))]
        }
    }
}

fn value_inline(v: &Value) -> String {
    match v {
        Value::Record(r) => record_inline(r),
        Value::List(items, _) => format!("[{}]", items.iter().map(value_inline).collect::<Vec<_>>().join(", ")),
        Value::Str(s) => string(&s.value),
        Value::Date(d) => d.text.clone(),
        Value::Number(n, _) => n.clone(),
        Value::Bool(b, _) => kw(if *b { "true" } else { "false" }).to_string(),
        Value::Null(_) => kw("null").to_string(),
    }
}

fn record_inline(r: &Record) -> String {
    if r.entries.is_empty() {
        return "{}".to_string();
    }
    let entries: Vec<String> = r.entries.iter().map(|(k, v)| format!("{}: {}", k.text, value_inline(v))).collect();
    format!("{{ {} }}", entries.join(", "))
}

/// A record over several lines; nested values stay inline while they fit.
fn record_block(r: &Record, depth: usize) -> Vec<String> {
    let pad = INDENT.repeat(depth + 1);
    let mut lines = vec!["{".to_string()];
    for (k, v) in &r.entries {
        let inline = value_inline(v);
        if pad.len() + k.text.len() + inline.chars().count() + 2 <= WIDTH {
            lines.push(format!("{pad}{}: {inline}", k.text));
            continue;
        }
        match v {
            Value::Record(inner) => {
                let mut nested = record_block(inner, depth + 1);
                nested[0] = format!("{pad}{}: {{", k.text);
                lines.extend(nested);
            }
            Value::List(items, _) => {
                lines.push(format!("{pad}{}: [", k.text));
                let inner_pad = INDENT.repeat(depth + 2);
                for item in items {
                    match item {
                        Value::Record(rec) if inner_pad.len() + value_inline(item).chars().count() > WIDTH => {
                            let mut nested = record_block(rec, depth + 2);
                            nested[0] = format!("{inner_pad}{{");
                            lines.extend(nested);
                        }
                        _ => lines.push(format!("{inner_pad}{}", value_inline(item))),
                    }
                }
                lines.push(format!("{pad}]"));
            }
            _ => lines.push(format!("{pad}{}: {inline}", k.text)),
        }
    }
    lines.push(format!("{}}}", INDENT.repeat(depth)));
    lines
}

/// An expression on one line, as written (parentheses kept where the author put them).
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Quantity(q) => quantity(q),
        ExprKind::Bool(b) => kw(if *b { "true" } else { "false" }).to_string(),
        ExprKind::Str(s) => string(s),
        ExprKind::Date(d) => d.clone(),
        ExprKind::Path(names) => names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join("."),
        ExprKind::Each => kw("each").to_string(),
        ExprKind::Paren(inner) => format!("({})", expr(inner)),
        ExprKind::Unary(UnaryOp::Not, x) => format!("{} {}", kw("not"), expr(x)),
        ExprKind::Unary(UnaryOp::Neg, x) => format!("-{}", expr(x)),
        ExprKind::Binary(op, a, b) => format!("{} {} {}", expr(a), kw(op.symbol()), expr(b)),
        ExprKind::If(c, a, b) => {
            format!("{} {} {} {} {} {}", kw("if"), expr(c), kw("then"), expr(a), kw("else"), expr(b))
        }
        ExprKind::Call(name, args) => {
            format!("{}({})", name.text, args.iter().map(expr).collect::<Vec<_>>().join(", "))
        }
        ExprKind::Aggregate(agg) => {
            let scope: Vec<String> =
                agg.scope.iter().map(|p| p.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(".")).collect();
            let mut s = format!("{}({}", kw(agg.func.name()), scope.join(", "));
            if let Some(v) = &agg.value {
                s.push_str(&format!(": {}", expr(v)));
            }
            if let Some(f) = &agg.filter {
                s.push_str(&format!(" {} {}", kw("where"), expr(f)));
            }
            s.push(')');
            s
        }
    }
}
