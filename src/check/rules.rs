//! Rules: ids and areas, applicability and requirement per level, timing, kind, severity,
//! responsible departments (lead first), parameters, and citations checked against the plan.

use super::expr::Ctx;
use super::model::{
    Citation, ConsistencyDef, EntityId, Judgement, Kind, ParamDef, RuleDef, RuleSeverity, Timing, ValueType,
};
use super::units::Unit;
use super::{Checker, Input, Namespace};
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, ClauseKind, ItemKind};
use crate::syntax::keywords::Keywords;

/// Words accepted after `kind`.
pub const KINDS: &[(&str, Kind)] = &[("binding", Kind::Binding), ("expected", Kind::Expected)];

/// Words accepted after `severity`.
pub const SEVERITIES: &[(&str, RuleSeverity)] =
    &[("error", RuleSeverity::Error), ("warning", RuleSeverity::Warning), ("info", RuleSeverity::Info)];

/// Clauses that may appear more than once in a rule.
const REPEATABLE: &[&str] = &["cite", "param"];

impl<'a> Checker<'a> {
    pub(super) fn metrics(&mut self) {
        for m in 0..self.model.metrics.len() {
            self.compile_metric(m);
        }
    }

    pub(super) fn rules(&mut self, inputs: &[Input<'a>]) {
        for input in inputs {
            for item in &input.ast.items {
                if let ItemKind::Rule(rule) = &item.kind
                    && rule.consistency
                {
                    if self.define(Namespace::Consistency, &rule.id.text, rule.id.span) {
                        let def = self.consistency_check(rule, item.span);
                        self.model.consistency.push(def);
                    }
                } else if let ItemKind::Rule(rule) = &item.kind
                    && self.define(Namespace::Rule, &rule.id.text, rule.id.span)
                {
                    let def = self.rule(rule, &item.doc, item.span);
                    self.model.rules.push(def);
                    self.rule_ast.push(rule);
                    self.tested.push((false, false));
                    self.tests_of.push(0);
                }
            }
        }
    }

    fn rule(&mut self, rule: &ast::Rule, doc: &[String], span: Span) -> RuleDef {
        let area = self.rule_area(&rule.id);
        let mut seen: Vec<(&str, Span)> = Vec::new();
        // `applies to` and `require` come in pairs: a rule judged differently at different
        // levels (the district's coverage, each community's own duty) has one pair per level.
        let mut last_pair: Option<&str> = None;
        for clause in &rule.clauses {
            let kw = clause.kind.keyword();
            let kw = if kw == "target" { "standing" } else { kw };
            let paired = matches!(kw, "applies" | "require");
            let alternates = paired && last_pair.is_some_and(|last| last != kw);
            if paired {
                last_pair = Some(kw);
            }
            match seen.iter().find(|(k, _)| *k == kw) {
                Some(_) if alternates => {}
                Some((_, first)) if !REPEATABLE.contains(&kw) => {
                    let first_kw = rule.clauses.iter().find(|c| c.span.start == first.start).map(|c| c.kind.keyword());
                    let code = if kw == "standing" && first_kw != Some(clause.kind.keyword()) {
                        Code::ConflictingTiming
                    } else {
                        Code::DuplicateClause
                    };
                    self.error(
                        Diagnostic::new(code, clause.span).arg("clause", clause.kind.keyword()).with(*first, "related"),
                    );
                }
                Some(_) => {}
                None => seen.push((kw, clause.span)),
            }
        }
        let params = self.params(rule);
        let mut def = RuleDef {
            id: rule.id.text.clone(),
            area,
            title: rule.title.value.clone(),
            english: rule.english.as_ref().map(|s| s.value.clone()),
            doc: doc.to_vec(),
            judgements: Vec::new(),
            timing: Timing::Standing,
            kind: Kind::Expected,
            severity: RuleSeverity::Error,
            departments: Vec::new(),
            citations: Vec::new(),
            params,
            span,
            id_span: rule.id.span,
            applies_text: clause_text(rule, "applies"),
            require_text: clause_text(rule, "require"),
        };
        let has = |kw: &str| seen.iter().any(|(k, _)| *k == kw);
        for (kw, shown) in [
            ("applies", "applies to"),
            ("require", "require"),
            ("standing", "standing / target by"),
            ("kind", "kind"),
            ("responsible", "responsible"),
            ("cite", "cite"),
        ] {
            if !has(kw) {
                self.error(
                    Diagnostic::new(Code::MissingClause, rule.id.span)
                        .arg("clause", shown)
                        .arg("rule", &rule.id.text)
                        .with(rule.close, "related"),
                );
            }
        }
        def.judgements = self.judgements(rule, &def.params);
        for clause in &rule.clauses {
            match &clause.kind {
                ClauseKind::Target { due, baseline } => {
                    def.timing = self.target(due, baseline.as_ref(), &def.judgements);
                }
                ClauseKind::Kind(word) => {
                    if let Some(k) = self.word(word, KINDS, "kind") {
                        def.kind = k;
                    }
                }
                ClauseKind::Severity(word) => {
                    if let Some(s) = self.word(word, SEVERITIES, "severity") {
                        def.severity = s;
                    }
                }
                ClauseKind::Responsible(list) => def.departments = self.departments(list),
                ClauseKind::Cite { section, quote } => {
                    self.citation(section, quote);
                    def.citations.push(Citation {
                        section: section.value.clone(),
                        quote: quote.value.clone(),
                        span: clause.span,
                    });
                }
                _ => {}
            }
        }
        def
    }

    /// A consistency check: `applies to`, `require` and optionally `severity`, nothing else.
    fn consistency_check(&mut self, rule: &ast::Rule, span: Span) -> ConsistencyDef {
        let mut severity = RuleSeverity::Error;
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for clause in &rule.clauses {
            let kw = clause.kind.keyword();
            if !matches!(kw, "applies" | "require" | "severity") {
                self.error(Diagnostic::new(Code::ClauseNotAllowed, clause.span).arg("clause", kw));
                continue;
            }
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kw) {
                self.error(
                    Diagnostic::new(Code::DuplicateClause, clause.span).arg("clause", kw).with(*first, "related"),
                );
                continue;
            }
            seen.push((kw, clause.span));
            if let ClauseKind::Severity(word) = &clause.kind
                && let Some(s) = self.word(word, SEVERITIES, "severity")
            {
                severity = s;
            }
        }
        for (kw, shown) in [("applies", "applies to"), ("require", "require")] {
            if !seen.iter().any(|(k, _)| *k == kw) {
                self.error(
                    Diagnostic::new(Code::MissingClause, rule.id.span)
                        .arg("clause", shown)
                        .arg("rule", &rule.id.text)
                        .with(rule.close, "related"),
                );
            }
        }
        let judgements = self.judgements(rule, &[]);
        let sides = rule.clauses.iter().find_map(|c| match &c.kind {
            ClauseKind::Require(e) => match &e.kind {
                ast::ExprKind::Binary(op, a, b) if op.is_comparison() => {
                    Some([crate::fmt::expr(a), crate::fmt::expr(b)])
                }
                _ => None,
            },
            _ => None,
        });
        ConsistencyDef {
            sides,
            id: rule.id.text.clone(),
            title: rule.title.value.clone(),
            english: rule.english.as_ref().map(|s| s.value.clone()),
            judgements,
            severity,
            span,
        }
    }

    /// The condition and requirement compiled for each level the rule applies to: the n-th
    /// `applies to` goes with the n-th `require`. A level named in two pairs is reported.
    fn judgements(&mut self, rule: &ast::Rule, params: &[ParamDef]) -> Vec<Judgement> {
        let applies = rule.clauses.iter().filter_map(|c| match &c.kind {
            ClauseKind::Applies { entities, condition } => Some((entities, condition.as_ref())),
            _ => None,
        });
        let requires = rule.clauses.iter().filter_map(|c| match &c.kind {
            ClauseKind::Require(e) => Some(e),
            _ => None,
        });
        let mut out: Vec<Judgement> = Vec::new();
        let mut named: Vec<(EntityId, Span)> = Vec::new();
        for ((entities, condition), require) in applies.zip(requires) {
            for name in entities {
                let Some(level) = self.model.entity(&name.text) else {
                    self.unknown_entity(name);
                    continue;
                };
                if let Some((_, first)) = named.iter().find(|(l, _)| *l == level) {
                    let d = Diagnostic::new(Code::DuplicateClause, name.span).arg("clause", "applies to");
                    self.error(d.with(*first, "related"));
                    continue;
                }
                named.push((level, name.span));
                let ctx = Ctx { entity: level, each: None, params, metric: None };
                let condition = condition.map(|c| self.condition(c, &ctx));
                let require = self.condition(require, &ctx);
                out.push(Judgement { level, condition, require });
            }
        }
        out
    }

    fn rule_area(&mut self, id: &ast::Name) -> Option<usize> {
        let parts: Vec<&str> = id.text.split('.').collect();
        let well_formed = parts.len() == 2
            && parts.iter().all(|p| {
                p.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            });
        if !well_formed {
            self.error(Diagnostic::new(Code::BadRuleId, id.span).arg("id", &id.text));
            return None;
        }
        let area = self.model.areas.iter().position(|a| a.name == parts[0]);
        if area.is_none() {
            let suggestion = did_you_mean(parts[0], self.model.areas.iter().map(|a| a.name.as_str()));
            let span = Span::new(id.span.file, id.span.start as usize, id.span.start as usize + parts[0].len());
            self.error(Diagnostic::new(Code::UnknownArea, span).arg("area", parts[0]).suggest(suggestion));
        }
        area
    }

    /// `ENTITY.FIELD` of `param … from`: a number field in the parameter's unit.
    fn param_source(&mut self, path: &[ast::Name], unit: &Unit, written: Span) -> Option<(EntityId, usize)> {
        let [entity, field] = path else {
            let span = path.first().map_or(written, |n| n.span);
            let name = path.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(".");
            self.error(Diagnostic::new(Code::UnknownEntity, span).arg("name", name));
            return None;
        };
        let Some(e) = self.model.entity(&entity.text) else {
            let suggestion = did_you_mean(&entity.text, self.model.entities.iter().map(|e| e.name.as_str()));
            self.error(Diagnostic::new(Code::UnknownEntity, entity.span).arg("name", &entity.text).suggest(suggestion));
            return None;
        };
        let def = &self.model.entities[e];
        let Some(f) = def.field(&field.text) else {
            let suggestion = did_you_mean(&field.text, def.fields.iter().map(|f| f.name.as_str()));
            self.error(
                Diagnostic::new(Code::UnknownName, field.span)
                    .arg("name", &field.text)
                    .arg("entity", &def.name)
                    .suggest(suggestion),
            );
            return None;
        };
        let field_unit = def.fields[f].ty.unit().unwrap_or_else(|| Unit::named("?"));
        if field_unit != *unit {
            self.error(
                Diagnostic::new(Code::UnitMismatch, field.span)
                    .arg("left", unit.to_string())
                    .arg("right", field_unit.to_string())
                    .with(written, "related"),
            );
            return None;
        }
        Some((e, f))
    }

    fn params(&mut self, rule: &ast::Rule) -> Vec<ParamDef> {
        let mut params: Vec<ParamDef> = Vec::new();
        for clause in &rule.clauses {
            if let ClauseKind::Param { name, default, unit, source, description } = &clause.kind {
                if let Some(first) = params.iter().find(|p| p.name == name.text) {
                    let first = first.span;
                    self.duplicate(&name.text, name.span, first);
                    continue;
                }
                let written = default.as_ref().and_then(|d| d.unit.as_ref()).or(unit.as_ref());
                let unit = written.and_then(|u| self.unit_of(u)).unwrap_or_else(Unit::one);
                let at = default.as_ref().map_or_else(|| unit_span(written, name.span), |d| d.span);
                let source = source.as_ref().and_then(|path| self.param_source(path, &unit, at));
                params.push(ParamDef {
                    name: name.text.clone(),
                    default: default.as_ref().map(|d| self.number(&d.number, d.span)),
                    source,
                    unit,
                    description: description.as_ref().map(|d| d.value.clone()),
                    span: name.span,
                    unit_span: at,
                });
            }
        }
        params
    }

    /// Compiles an expression that must be a yes/no condition.
    fn condition(&mut self, e: &ast::Expr, ctx: &Ctx<'_>) -> super::model::Expr {
        let (ir, t) = self.expr(e, ctx);
        if !matches!(t, ValueType::Bool | ValueType::Error) {
            self.error(Diagnostic::new(Code::NotACondition, e.span).arg("found", super::expr::describe(&t)));
        }
        ir
    }

    fn target(&mut self, due: &ast::DateLit, baseline: Option<&ast::Baseline>, judgements: &[Judgement]) -> Timing {
        let levels: Vec<EntityId> = judgements.iter().map(|j| j.level).collect();
        let due_date = self.check_date(&due.text, due.span);
        let due_year: u16 = due.text.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        if let Some((_, end)) = self.model.plan.as_ref().and_then(|p| p.period)
            && due_year > end
        {
            self.error(Diagnostic::new(Code::DueAfterPeriod, due.span).arg("due", &due.text).arg("end", end));
        }
        let baseline = baseline.map(|b| {
            if b.year >= due_year {
                self.error(Diagnostic::new(Code::BaselineAfterDue, b.span).arg("year", b.year).arg("due", &due.text));
            }
            let unit = b.value.unit.as_ref().and_then(|u| self.unit_of(u)).unwrap_or_else(Unit::one);
            let level = match &b.level {
                Some(name) => match self.model.entity(&name.text) {
                    Some(e) if levels.contains(&e) => Some(e),
                    _ => {
                        self.baseline_level(name.span, &levels);
                        None
                    }
                },
                None if levels.len() > 1 => {
                    self.baseline_level(b.span, &levels);
                    None
                }
                None => None,
            };
            // The figure is where the compared value started: in its unit (a bare number fits any).
            let judged = judgements.iter().find(|j| level.is_none_or(|l| j.level == l));
            if let (Some(written), Some(j)) = (&b.value.unit, judged)
                && let (Some(compared), Some(side)) = (j.compared_unit(&self.model), j.compared())
                && !self.model.units.compatible(&unit, &compared)
            {
                // Marked at the baseline's unit, with the compared value whose unit it must have.
                self.error(
                    Diagnostic::new(Code::UnitMismatch, written.span)
                        .arg("left", compared.to_string())
                        .arg("right", unit.to_string())
                        .with(side.span, "related"),
                );
            }
            super::model::Baseline { value: self.number(&b.value.number, b.value.span), unit, year: b.year, level }
        });
        Timing::Target { due: due_date, baseline }
    }

    /// A baseline that does not say which of the rule's levels it was measured for.
    fn baseline_level(&mut self, at: Span, levels: &[EntityId]) {
        let names: Vec<&str> = levels.iter().map(|&l| self.model.entities[l].name.as_str()).collect();
        self.error(Diagnostic::new(Code::BaselineLevel, at).arg("levels", names.join(", ")));
    }

    /// Looks a word up in a fixed vocabulary, reporting it with "did you mean" if unknown. A
    /// word in its Chinese form (`预期性`, `达标`, `keywords::VALUES`) stands for its English one.
    pub(super) fn word<T: Copy>(&mut self, word: &ast::Name, table: &[(&str, T)], what: &str) -> Option<T> {
        let english = crate::syntax::keywords::english(crate::syntax::keywords::VALUES, &word.text);
        if let Some((_, v)) = table.iter().find(|(w, _)| *w == english) {
            return Some(*v);
        }
        // The choices in the form the word was typed in (`预期性` for `预期`), any spelling
        // suggested from both.
        let form = if word.text.is_ascii() { Keywords::En } else { Keywords::Zh };
        let choices: Vec<String> =
            table.iter().map(|(w, _)| form.translate(crate::syntax::keywords::VALUES, w)).collect();
        let both =
            table.iter().flat_map(|(w, _)| [w.to_string(), Keywords::Zh.translate(crate::syntax::keywords::VALUES, w)]);
        let suggestion = did_you_mean(&word.text, both.collect::<Vec<_>>().iter().map(String::as_str));
        self.error(
            Diagnostic::new(Code::UnknownWord, word.span)
                .arg("word", &word.text)
                .arg("what", what)
                .arg("choices", choices.join(", "))
                .suggest(suggestion),
        );
        None
    }

    fn departments(&mut self, list: &[ast::DepartmentRef]) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, d) in list.iter().enumerate() {
            if d.lead && i > 0 {
                self.error(
                    Diagnostic::new(Code::LeadNotFirst, d.name.span)
                        .arg("department", &d.name.text)
                        .with(list[0].name.span, "related"),
                );
            }
            match self.model.department(&d.name.text) {
                Some(id) if out.contains(&id) => {
                    let first = list.iter().find(|x| x.name.text == d.name.text).map_or(d.name.span, |x| x.name.span);
                    self.error(
                        Diagnostic::new(Code::DuplicateDepartment, d.name.span)
                            .arg("department", &d.name.text)
                            .with(first, "related"),
                    );
                }
                Some(id) => out.push(id),
                None if self.broken("department", &d.name.text) => {}
                None => {
                    let suggestion = did_you_mean(&d.name.text, self.model.departments.iter().map(|x| x.name.as_str()));
                    self.error(
                        Diagnostic::new(Code::UnknownDepartment, d.name.span)
                            .arg("department", &d.name.text)
                            .suggest(suggestion),
                    );
                }
            }
        }
        out
    }

    /// The section and quote of a citation must be verbatim in the plan's text; where the plan
    /// header names headings in English, every heading of a section must have its name.
    fn citation(&mut self, section: &ast::Str, quote: &ast::Str) {
        let Some(info) = self.model.plan.as_ref() else { return };
        let untranslated: Vec<String> = section
            .value
            .split('›')
            .map(str::trim)
            .filter(|part| {
                !info.headings.is_empty() && !info.headings.iter().any(|h| normalize(&h.zh) == normalize(part))
            })
            .map(str::to_string)
            .collect();
        for part in untranslated {
            if self.untranslated.insert(part.clone()) {
                self.error(Diagnostic::new(Code::UntranslatedHeading, section.span).arg("heading", part));
            }
        }
        let text = self.model.plan.as_ref().and_then(|p| p.text.as_deref());
        let Some(plan) = self.plan_text.get_or_init(|| text.map(normalize)) else { return };
        let problems: Vec<(Code, &ast::Str, String)> = std::iter::once(quote)
            .filter(|q| !plan.contains(&normalize(&q.value)))
            .map(|q| (Code::QuoteNotInPlan, q, longest_prefix_in(plan, &normalize(&q.value))))
            .chain(
                section
                    .value
                    .split('›')
                    .map(str::trim)
                    .filter(|part| !plan.contains(&normalize(part)))
                    .map(|part| (Code::SectionNotInPlan, section, part.to_string())),
            )
            .collect();
        for (code, at, detail) in problems {
            let d = Diagnostic::new(code, at.span);
            let d = if code == Code::QuoteNotInPlan {
                let matched_chars = detail.chars().count();
                let rest: String = normalize(&at.value).chars().skip(matched_chars).take(12).collect();
                d.arg("matched", detail).arg("differs", rest)
            } else {
                d.arg("part", detail)
            };
            self.error(d);
        }
    }

    pub(super) fn unused(&mut self, graph: &crate::graph::RuleGraph) {
        // An item with a syntax error, or one left uncompiled for an unknown entity, may be the
        // one that uses a metric or tests a rule: with one, "unused" and "untested" would be
        // guesses, so nothing is said.
        if !self.broken.is_empty() || self.uncompiled {
            return;
        }
        for (m, metric) in self.model.metrics.iter().enumerate() {
            if !graph.metric_is_used(m) {
                self.diags.push(Diagnostic::new(Code::UnusedMetric, metric.span).arg("metric", &metric.name));
            }
        }
        // Tests from one side only are advice for rules that work: not while errors are open.
        let errors = self.diags.has_errors();
        for (r, rule) in self.rule_ast.iter().enumerate() {
            let d = match self.tested[r] {
                _ if self.tests_of[r] == 0 => Diagnostic::new(Code::RuleWithoutTest, rule.id.span),
                (true, true) => continue,
                _ if errors => continue,
                (true, false) => Diagnostic::new(Code::TestedOneWay, rule.id.span).arg("missing", "@W0202.no_fail"),
                (false, _) => Diagnostic::new(Code::TestedOneWay, rule.id.span).arg("missing", "@W0202.no_pass"),
            };
            self.diags.push(d.arg("rule", &rule.id.text));
        }
    }
}

/// The clauses of a rule with one keyword in canonical layout, without the keyword (several
/// `applies to` or `require`, one per pair, separated by ` | `).
fn clause_text(rule: &ast::Rule, keyword: &str) -> String {
    let texts: Vec<String> = rule
        .clauses
        .iter()
        .filter(|c| c.kind.keyword() == keyword)
        .map(|clause| match &clause.kind {
            ClauseKind::Applies { entities, condition } => {
                let names = entities.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(", ");
                match condition {
                    Some(c) => format!("{names} where {}", crate::fmt::expr(c)),
                    None => names,
                }
            }
            ClauseKind::Require(e) => crate::fmt::expr(e),
            _ => String::new(),
        })
        .collect();
    texts.join(" | ")
}

/// Plan text without white space, so that line breaks in the plan do not matter.
pub(super) fn normalize(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The longest beginning of `quote` that occurs in `plan`.
fn longest_prefix_in(plan: &str, quote: &str) -> String {
    let chars: Vec<char> = quote.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let prefix: String = chars[..mid].iter().collect();
        if plan.contains(&prefix) { lo = mid } else { hi = mid - 1 }
    }
    chars[..lo].iter().collect()
}

/// Where a parameter's unit is written, else its name.
fn unit_span(unit: Option<&ast::UnitExpr>, name: Span) -> Span {
    unit.map_or(name, |u| u.span)
}
