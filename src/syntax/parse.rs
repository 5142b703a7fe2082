//! pest → AST. One top-level item is parsed at a time; positions are shifted back into the
//! whole file so every span is a byte range of the file.

use pest::Parser;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

use super::ast::*;
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "grammar/plancheck.pest"]
struct Grammar;

/// A pest failure, in file coordinates.
#[derive(Clone)]
pub struct PestFailure {
    pub at: usize,
    pub end: usize,
    pub expected: Vec<&'static str>,
    pub found: String,
}

/// Whether `text` is a name as the rules write it (not a keyword), so that it needs no quotes.
pub fn is_ident(text: &str) -> bool {
    Grammar::parse(Rule::ident, text).is_ok_and(|mut pairs| pairs.next().is_some_and(|p| p.as_str() == text))
}

/// Parses one item found at `offset` in the file; `comments` are the file's comment ranges,
/// so that no span ends in trailing white space or comments.
pub fn parse_item(
    file: FileId,
    text: &str,
    offset: usize,
    comments: &[std::ops::Range<usize>],
) -> Result<Option<Item>, PestFailure> {
    if let Some((at, limit)) = too_deep(text) {
        let (expected, found) = match limit {
            Limit::Nesting => ("syntax.shallower", "@syntax.nested_too_deeply"),
            Limit::Operators => ("syntax.fewer_operators", "@syntax.too_many_operators"),
        };
        let (at, end) = (offset + at, offset + at + 1);
        return Err(PestFailure { at, end, expected: vec![expected], found: found.to_string() });
    }
    let mut pairs = Grammar::parse(Rule::item_only, text).map_err(|e| failure(e, text, offset))?;
    let lower = Lower { file, offset, text, comments };
    let Some(top) = pairs.next() else { return Ok(None) };
    Ok(top.into_inner().find(|p| p.as_rule() != Rule::EOI).map(|p| lower.item(p)))
}

/// How much of the text a syntax error found is shown.
const FOUND_CHARS: usize = 20;

/// How deep a formula may nest — brackets, a run of `-` or `not`, chained `if` — before it is
/// refused rather than parsed: parsing, checking and evaluating all recurse over the nesting,
/// and a hostile file must not exhaust the stack.
pub const MAX_NESTING: usize = 100;

/// How many operators an item may hold: a chain `a + b + c …` is as deep as it is long once
/// parsed (each operator takes the chain before it as its left side).
pub const MAX_OPERATORS: usize = 1000;

/// Which limit an item goes beyond.
enum Limit {
    Nesting,
    Operators,
}

/// Where an item nests deeper than [`MAX_NESTING`] or holds more than [`MAX_OPERATORS`]
/// (outside strings and comments), in English or Chinese keywords.
fn too_deep(text: &str) -> Option<(usize, Limit)> {
    let (mut brackets, mut prefixes, mut ifs, mut operators) = (0usize, 0usize, 0usize, 0usize);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, d)) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek().is_some_and(|(_, d)| *d == '/') => {
                while chars.next_if(|(_, d)| *d != '\n').is_some() {}
            }
            '(' | '[' | '{' => brackets += 1,
            ')' | ']' | '}' => brackets = brackets.saturating_sub(1),
            '-' => {
                prefixes += 1;
                operators += 1;
            }
            '+' | '*' | '/' => {
                operators += 1;
                prefixes = 0;
            }
            // A comparison, however many characters it takes (`>=`, `!=`).
            '<' | '>' | '=' | '!' => {
                while chars.next_if(|(_, d)| matches!(d, '<' | '>' | '=')).is_some() {}
                operators += 1;
                prefixes = 0;
            }
            c if c.is_whitespace() => {}
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                let mut end = i + c.len_utf8();
                while let Some((j, d)) = chars.next_if(|(_, d)| d.is_alphanumeric() || *d == '_') {
                    end = j + d.len_utf8();
                }
                match &text[start..end] {
                    "not" | "非" => prefixes += 1,
                    "if" | "如果" => ifs += 1,
                    "and" | "or" | "且" | "或" => {
                        operators += 1;
                        prefixes = 0;
                    }
                    _ => prefixes = 0,
                }
            }
            _ => prefixes = 0,
        }
        if brackets.max(prefixes).max(ifs) > MAX_NESTING {
            return Some((i, Limit::Nesting));
        }
        if operators > MAX_OPERATORS {
            return Some((i, Limit::Operators));
        }
    }
    None
}

fn failure(error: pest::error::Error<Rule>, text: &str, offset: usize) -> PestFailure {
    let (at, end) = match error.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&'static str> = positives.iter().filter_map(|r| describe(*r)).collect();
            names.sort_unstable();
            names.dedup();
            // Everything that can start an expression is summed up as "an expression".
            if names.contains(&"syntax.expression") {
                names.retain(|n| !EXPRESSION_STARTS.contains(n));
            }
            names
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = text[at..].trim_start_matches([' ', '\t']);
    let found = if found.is_empty() || found.starts_with('\n') || found.starts_with('\r') {
        if at >= text.trim_end().len() { "@syntax.end_of_item".to_string() } else { "@syntax.end_of_line".to_string() }
    } else {
        // A long token is shown cut, and said to be (`disaster_officer_rat…`, not a misspelling).
        let mut token = found.chars().take_while(|c| !c.is_whitespace());
        let shown: String = token.by_ref().take(FOUND_CHARS).collect();
        if token.next().is_some() { format!("`{shown}…`") } else { format!("`{shown}`") }
    };
    let start = offset + at;
    PestFailure { at: start, end: (offset + end).max(start), expected, found }
}

/// What a grammar rule is called in "expected …" lists: a catalog key (`syntax.*`) or a
/// keyword in backticks, shown as written; `None` hides a rule.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "syntax.end_of_item",
        Rule::ident | Rule::path | Rule::plan_key | Rule::enum_value => "syntax.name",
        Rule::rule_id => "syntax.rule_id",
        Rule::string => "syntax.string",
        Rule::date => "syntax.date",
        Rule::year => "syntax.year",
        Rule::number | Rule::quantity => "syntax.number",
        Rule::unit_name | Rule::unit_expr | Rule::metric_type => "syntax.unit",
        Rule::plan_decl => "`plan`",
        Rule::area_decl => "`area`",
        Rule::department_decl => "`department`",
        Rule::unit_decl => "`unit`",
        Rule::entity_decl | Rule::root_mark => "`entity`",
        Rule::metric_decl => "`metric`",
        Rule::rule_decl => "`rule`",
        Rule::consistency_decl => "`consistency`",
        Rule::test_decl => "`test`",
        Rule::field_decl => "syntax.field",
        Rule::key_decl => "`key`",
        Rule::display_decl => "`display`",
        Rule::unique_decl => "`unique`",
        Rule::refers => "`refers to`",
        Rule::once_mark => "`once`",
        Rule::type_expr | Rule::scalar_type | Rule::list_type | Rule::enum_type => "syntax.type",
        Rule::nullable => "`?`",
        Rule::enum_comma => "`,`",
        Rule::enum_close => "`}`",
        Rule::type_size => "`(`",
        Rule::unit_def => "`=`",
        Rule::english => "`en`",
        Rule::applies => "`applies to`",
        Rule::require => "`require`",
        Rule::standing => "`standing`",
        Rule::target => "`target by`",
        Rule::baseline => "`baseline`",
        Rule::kind => "`kind`",
        Rule::severity => "`severity`",
        Rule::responsible => "`responsible`",
        Rule::department_ref => "syntax.department",
        Rule::lead_mark => "`(lead)`",
        Rule::cite => "`cite`",
        Rule::param_decl => "`param`",
        Rule::given => "`given`",
        Rule::as_of => "`as of`",
        Rule::with_param => "`with`",
        Rule::expect => "`expect`",
        Rule::record => "syntax.record",
        Rule::entry => "syntax.entry",
        Rule::list => "syntax.list",
        Rule::null_lit => "`null`",
        Rule::bool_lit => "syntax.bool",
        Rule::expr | Rule::paren | Rule::if_expr | Rule::aggregate | Rule::call | Rule::each => "syntax.expression",
        Rule::op_not | Rule::op_neg => "syntax.expression",
        Rule::op_or | Rule::op_and => "syntax.logic",
        Rule::op_eq | Rule::op_ne | Rule::op_le | Rule::op_ge | Rule::op_lt | Rule::op_gt => "syntax.comparison",
        Rule::op_add | Rule::op_sub | Rule::op_mul | Rule::op_div => "syntax.operator",
        Rule::agg_fn => "syntax.aggregate",
        Rule::scope => "syntax.scope",
        _ => return None,
    })
}

/// Names that "an expression" already covers in an "expected …" list.
const EXPRESSION_STARTS: &[&str] =
    &["syntax.aggregate", "syntax.bool", "syntax.date", "syntax.name", "syntax.number", "syntax.string"];

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

struct Lower<'t> {
    file: FileId,
    offset: usize,
    text: &'t str,
    comments: &'t [std::ops::Range<usize>],
}

impl Lower<'_> {
    /// The span of a pair without the white space and comments pest skipped at its end.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let mut end = s.end();
        loop {
            end = s.start() + self.text[s.start()..end].trim_end().len();
            match self.comments.iter().find(|c| c.end == end + self.offset && c.start >= s.start() + self.offset) {
                Some(c) => end = c.start - self.offset,
                None => break,
            }
        }
        Span::new(self.file, s.start() + self.offset, end + self.offset)
    }

    fn name(&self, pair: Pair<Rule>) -> Name {
        Name { text: pair.as_str().to_string(), span: self.span(&pair) }
    }

    fn string(&self, pair: Pair<Rule>) -> Str {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Str { value, span }
    }

    fn date(&self, pair: Pair<Rule>) -> DateLit {
        DateLit { text: pair.as_str().to_string(), span: self.span(&pair) }
    }

    fn year(&self, pair: Pair<Rule>) -> u16 {
        pair.as_str().parse().unwrap_or(0)
    }

    fn unit_expr(&self, pair: Pair<Rule>) -> UnitExpr {
        let span = self.span(&pair);
        UnitExpr { parts: pair.into_inner().map(|p| self.name(p)).collect(), span }
    }

    fn quantity(&self, pair: Pair<Rule>) -> Quantity {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let number = inner.next().map_or(String::new(), |p| p.as_str().replace('_', ""));
        let unit = inner.next().map(|p| self.unit_expr(p));
        Quantity { number, unit, span }
    }

    fn item(&self, pair: Pair<Rule>) -> Item {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let kind = match rule {
            Rule::plan_decl => {
                let title = self.string(inner.next().expect("grammar: plan title"));
                let clauses = inner.map(|c| self.plan_clause(c)).collect();
                ItemKind::Plan(Plan { title, clauses })
            }
            Rule::area_decl => ItemKind::Area(Area {
                name: self.name(inner.next().expect("grammar: area name")),
                title: self.string(inner.next().expect("grammar: area title")),
                english: inner.next().map(|p| self.string(p)),
            }),
            Rule::department_decl => ItemKind::Department(Department {
                name: self.name(inner.next().expect("grammar: department name")),
                english: inner.next().map(|p| self.string(p)),
            }),
            Rule::unit_decl => {
                let name = self.name(inner.next().expect("grammar: unit name"));
                let mut definition = None;
                let mut description = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::unit_def => {
                            definition = p.into_inner().next().map(|q| self.quantity(q));
                        }
                        _ => description = Some(self.string(p)),
                    }
                }
                ItemKind::Unit(UnitDecl { name, definition, description })
            }
            Rule::entity_decl => ItemKind::Entity(self.entity(inner)),
            Rule::metric_decl => {
                let entity = self.name(inner.next().expect("grammar: metric entity"));
                let name = self.name(inner.next().expect("grammar: metric name"));
                let (mut title, mut unit, mut expr) = (None, None, None);
                for p in inner {
                    match p.as_rule() {
                        Rule::string => title = Some(self.string(p)),
                        Rule::metric_type => unit = p.into_inner().next().map(|u| self.unit_expr(u)),
                        _ => expr = Some(self.expr(p)),
                    }
                }
                let expr = expr.expect("grammar: metric expression");
                ItemKind::Metric(Metric { entity, name, title, unit, expr })
            }
            Rule::rule_decl | Rule::consistency_decl => {
                let consistency = rule == Rule::consistency_decl;
                let id = self.name(inner.next().expect("grammar: rule id"));
                let title = self.string(inner.next().expect("grammar: rule title"));
                let mut english = None;
                let mut clauses = Vec::new();
                for p in inner {
                    if p.as_rule() == Rule::english {
                        english = p.into_inner().next().map(|s| self.string(s));
                    } else {
                        clauses.push(self.clause(p));
                    }
                }
                let close = Span::new(self.file, span.end as usize - 1, span.end as usize);
                ItemKind::Rule(Rule_ { consistency, id, title, english, clauses, close })
            }
            Rule::test_decl => {
                let name = self.string(inner.next().expect("grammar: test name"));
                let clauses = inner.map(|c| self.test_clause(c)).collect();
                ItemKind::Test(Test { name, clauses })
            }
            other => unreachable!("grammar: unexpected item {other:?}"),
        };
        Item { doc: Vec::new(), kind, span }
    }

    fn plan_clause(&self, pair: Pair<Rule>) -> PlanClause {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let key = self.name(inner.next().expect("grammar: plan key"));
        let v = inner.next().expect("grammar: plan value");
        let value = match v.as_rule() {
            Rule::plan_period => {
                let vspan = self.span(&v);
                let mut years = v.into_inner();
                let from = self.year(years.next().expect("grammar: period start"));
                let to = self.year(years.next().expect("grammar: period end"));
                PlanValue::Period { from, to, span: vspan }
            }
            Rule::date => PlanValue::Date(self.date(v)),
            Rule::plan_part => {
                let mut inner = v.into_inner();
                let code = inner.next().expect("grammar: part code");
                let code_span = self.span(&code);
                let name = self.string(inner.next().expect("grammar: part name"));
                PlanValue::Part { code: code.as_str().to_string(), code_span, name }
            }
            Rule::plan_heading => {
                let mut inner = v.into_inner();
                let zh = self.string(inner.next().expect("grammar: heading"));
                let en = self.string(inner.next().expect("grammar: English heading"));
                PlanValue::Heading { zh, en }
            }
            Rule::number => PlanValue::Number(v.as_str().replace('_', ""), self.span(&v)),
            _ => PlanValue::Str(self.string(v)),
        };
        PlanClause { key, value, span }
    }

    fn entity(&self, inner: pest::iterators::Pairs<Rule>) -> Entity {
        let mut root = false;
        let mut name = None;
        let mut strings = Vec::new();
        let mut members = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::root_mark => root = true,
                Rule::ident => name = Some(self.name(p)),
                Rule::string => strings.push(self.string(p)),
                _ => members.push(self.member(p)),
            }
        }
        let mut strings = strings.into_iter();
        Entity {
            root,
            name: name.expect("grammar: entity name"),
            title: strings.next(),
            english: strings.next(),
            members,
        }
    }

    fn member(&self, pair: Pair<Rule>) -> Member {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().peekable();
        let optional = inner.next_if(|p| p.as_rule() == Rule::optional_mark).is_some();
        let first = inner.next().expect("grammar: member name");
        let kind = match rule {
            Rule::unique_decl => {
                MemberKind::Unique(std::iter::once(first).chain(inner).map(|n| self.name(n)).collect())
            }
            Rule::key_decl => MemberKind::Key(self.name(first)),
            Rule::display_decl => MemberKind::Display(self.name(first)),
            _ => MemberKind::Field(Field {
                name: self.name(first),
                ty: self.type_expr(inner.next().expect("grammar: field type")),
                optional,
                refers: inner.next().map(|r| {
                    let parts: Vec<_> = r.into_inner().collect();
                    let once = parts.iter().any(|p| p.as_rule() == Rule::once_mark);
                    let entities =
                        parts.into_iter().filter(|p| p.as_rule() == Rule::ident).map(|p| self.name(p)).collect();
                    Refers { entities, once }
                }),
            }),
        };
        Member { doc: Vec::new(), kind, span }
    }

    fn type_expr(&self, pair: Pair<Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let body = inner.next().expect("grammar: type body");
        let nullable = inner.next().is_some();
        let kind = match body.as_rule() {
            Rule::list_type => {
                TypeKind::List(Box::new(self.type_expr(body.into_inner().next().expect("grammar: list element"))))
            }
            Rule::enum_type => TypeKind::Enum(
                body.into_inner()
                    .filter(|p| p.as_rule() == Rule::enum_value)
                    .filter_map(|value| {
                        let mut parts = value.into_inner();
                        let word = parts.next()?;
                        let word = match word.as_rule() {
                            Rule::string => {
                                let s = self.string(word);
                                Name { text: s.value, span: s.span }
                            }
                            _ => self.name(word),
                        };
                        Some(EnumWord { word, label: parts.next().map(|l| self.string(l)) })
                    })
                    .collect(),
            ),
            _ => {
                let mut parts = body.into_inner();
                let name = self.name(parts.next().expect("grammar: type name"));
                let (mut size, mut unit) = (None, None);
                for p in parts {
                    match p.as_rule() {
                        Rule::type_size => {
                            size = p.into_inner().next().and_then(|n| n.as_str().parse().ok());
                        }
                        _ => unit = Some(self.unit_expr(p)),
                    }
                }
                TypeKind::Named { name, size, unit }
            }
        };
        TypeExpr { kind, nullable, span }
    }

    fn clause(&self, pair: Pair<Rule>) -> Clause {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let kind = match rule {
            Rule::applies => {
                let mut entities = Vec::new();
                let mut condition = None;
                for p in inner {
                    if p.as_rule() == Rule::ident {
                        entities.push(self.name(p));
                    } else {
                        condition = Some(self.expr(p));
                    }
                }
                ClauseKind::Applies { entities, condition }
            }
            Rule::require => ClauseKind::Require(self.expr(inner.next().expect("grammar: requirement"))),
            Rule::standing => ClauseKind::Standing,
            Rule::target => {
                let due = self.date(inner.next().expect("grammar: due date"));
                let baseline = inner.next().map(|b| {
                    let bspan = self.span(&b);
                    let mut parts = b.into_inner();
                    let value = self.quantity(parts.next().expect("grammar: baseline value"));
                    let year = self.year(parts.next().expect("grammar: baseline year"));
                    let level = parts.next().map(|n| self.name(n));
                    Baseline { value, year, level, span: bspan }
                });
                ClauseKind::Target { due, baseline }
            }
            Rule::kind => ClauseKind::Kind(self.name(inner.next().expect("grammar: kind"))),
            Rule::severity => ClauseKind::Severity(self.name(inner.next().expect("grammar: severity"))),
            Rule::responsible => ClauseKind::Responsible(
                inner
                    .map(|d| {
                        let mut parts = d.into_inner();
                        let name = self.name(parts.next().expect("grammar: department"));
                        DepartmentRef { name, lead: parts.next().is_some() }
                    })
                    .collect(),
            ),
            Rule::cite => ClauseKind::Cite {
                section: self.string(inner.next().expect("grammar: section")),
                quote: self.string(inner.next().expect("grammar: quote")),
            },
            Rule::param_decl => {
                let name = self.name(inner.next().expect("grammar: param name"));
                let (mut default, mut unit) = (None, None);
                let mut source = None;
                let mut description = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::param_default => {
                            default = p.into_inner().next().map(|q| self.quantity(q));
                        }
                        Rule::param_unit => unit = p.into_inner().next().map(|u| self.unit_expr(u)),
                        Rule::param_from => {
                            let path = p.into_inner().next().expect("grammar: param source");
                            source = Some(path.into_inner().map(|n| self.name(n)).collect());
                        }
                        _ => description = Some(self.string(p)),
                    }
                }
                ClauseKind::Param { name, default, unit, source, description }
            }
            other => unreachable!("grammar: unexpected clause {other:?}"),
        };
        Clause { doc: Vec::new(), kind, span }
    }

    fn test_clause(&self, pair: Pair<Rule>) -> TestClause {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let kind = match rule {
            Rule::given => TestClauseKind::Given {
                entity: self.name(inner.next().expect("grammar: given entity")),
                record: self.record(inner.next().expect("grammar: given record")),
            },
            Rule::as_of => TestClauseKind::AsOf(self.date(inner.next().expect("grammar: as-of date"))),
            Rule::with_param => TestClauseKind::With {
                param: self.name(inner.next().expect("grammar: param")),
                value: self.quantity(inner.next().expect("grammar: param value")),
            },
            Rule::expect => TestClauseKind::Expect {
                rule: self.name(inner.next().expect("grammar: rule id")),
                status: self.name(inner.next().expect("grammar: status")),
                subject: inner.next().map(|p| self.string(p)),
            },
            other => unreachable!("grammar: unexpected test clause {other:?}"),
        };
        TestClause { doc: Vec::new(), kind, span }
    }

    fn record(&self, pair: Pair<Rule>) -> Record {
        let span = self.span(&pair);
        let entries = pair
            .into_inner()
            .map(|entry| {
                let mut parts = entry.into_inner();
                let key = self.name(parts.next().expect("grammar: entry key"));
                let value = self.value(parts.next().expect("grammar: entry value"));
                (key, value)
            })
            .collect();
        Record { entries, span }
    }

    fn value(&self, pair: Pair<Rule>) -> Value {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::record => Value::Record(self.record(pair)),
            Rule::list => Value::List(pair.into_inner().map(|v| self.value(v)).collect(), span),
            Rule::string => Value::Str(self.string(pair)),
            Rule::date => Value::Date(self.date(pair)),
            Rule::null_lit => Value::Null(span),
            Rule::bool_lit => Value::Bool(matches!(pair.as_str(), "true" | "真"), span),
            _ => Value::Number(pair.as_str().replace('_', ""), span),
        }
    }

    fn expr(&self, pair: Pair<Rule>) -> Expr {
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let span = self.span(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::op_not { UnaryOp::Not } else { UnaryOp::Neg };
                Expr { kind: ExprKind::Unary(op, Box::new(rhs)), span }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span }
            })
            .parse(pair.into_inner())
    }

    fn primary(&self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::quantity => ExprKind::Quantity(self.quantity(pair)),
            Rule::bool_lit => ExprKind::Bool(matches!(pair.as_str(), "true" | "真")),
            Rule::string => ExprKind::Str(self.string(pair).value),
            Rule::date => ExprKind::Date(pair.as_str().to_string()),
            Rule::each => ExprKind::Each,
            Rule::path => ExprKind::Path(pair.into_inner().map(|p| self.name(p)).collect()),
            Rule::paren => ExprKind::Paren(Box::new(self.expr(pair.into_inner().next().expect("grammar: paren")))),
            Rule::if_expr => {
                let mut parts = pair.into_inner().map(|p| self.expr(p));
                let c = parts.next().expect("grammar: if condition");
                let t = parts.next().expect("grammar: then branch");
                let e = parts.next().expect("grammar: else branch");
                ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
            }
            Rule::call => {
                let mut parts = pair.into_inner();
                let name = self.name(parts.next().expect("grammar: function name"));
                ExprKind::Call(name, parts.map(|p| self.expr(p)).collect())
            }
            Rule::aggregate => ExprKind::Aggregate(Box::new(self.aggregate(pair))),
            other => unreachable!("grammar: unexpected primary {other:?}"),
        };
        Expr { kind, span }
    }

    fn aggregate(&self, pair: Pair<Rule>) -> Aggregate {
        let mut inner = pair.into_inner();
        let f = inner.next().expect("grammar: aggregate function");
        let func_span = self.span(&f);
        let func = match super::keywords::english(super::keywords::TABLE, f.as_str()) {
            "sum" => AggFn::Sum,
            "count" => AggFn::Count,
            "share" => AggFn::Share,
            "min" => AggFn::Min,
            "max" => AggFn::Max,
            "any" => AggFn::Any,
            "all" => AggFn::All,
            _ => AggFn::Ratio,
        };
        let scope = inner
            .next()
            .expect("grammar: aggregate scope")
            .into_inner()
            .map(|p| p.into_inner().map(|n| self.name(n)).collect())
            .collect();
        let mut value = None;
        let mut filter = None;
        for p in inner {
            let rule = p.as_rule();
            let e = self.expr(p.into_inner().next().expect("grammar: aggregate part"));
            if rule == Rule::agg_value {
                value = Some(e);
            } else {
                filter = Some(e);
            }
        }
        Aggregate { func, func_span, scope, value, filter }
    }
}

type Rule_ = super::ast::Rule;
