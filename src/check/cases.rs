//! Tests written next to the rules: the given record must fit the entity schema, the
//! expected rules and statuses must exist, and each expectation must name one subject.

use super::model::{Expectation, Status, TestDef, Ty};
use super::{Checker, Input, Namespace};
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{self, ItemKind, TestClauseKind, Value};

impl<'a> Checker<'a> {
    pub(super) fn cases(&mut self, inputs: &[Input<'a>]) {
        for input in inputs {
            for item in &input.ast.items {
                if let ItemKind::Test(test) = &item.kind
                    && self.define(Namespace::Test, &test.name.value, test.name.span)
                    && let Some(def) = self.case(test, item.span)
                {
                    self.model.tests.push(def);
                }
            }
        }
    }

    fn case(&mut self, test: &ast::Test, span: crate::source::Span) -> Option<TestDef> {
        let mut given = None;
        let mut as_of = None;
        let mut params = Vec::new();
        let mut expectations = Vec::new();
        for clause in &test.clauses {
            match &clause.kind {
                TestClauseKind::Given { entity, record } => {
                    if given.is_some() {
                        let first =
                            test.clauses.iter().find(|c| c.kind.keyword() == "given").map_or(clause.span, |c| c.span);
                        self.error(
                            Diagnostic::new(Code::DuplicateClause, clause.span)
                                .arg("clause", "given")
                                .with(first, "related"),
                        );
                        continue;
                    }
                    match self.model.entity(&entity.text) {
                        Some(e) => {
                            self.record(e, record);
                            given = Some((e, record.clone()));
                        }
                        None => self.unknown_entity(entity),
                    }
                }
                TestClauseKind::AsOf(d) => {
                    self.check_date(&d.text, d.span);
                    as_of = Some(d.text.clone());
                }
                TestClauseKind::With { param, value } => params.push((param.clone(), value.clone())),
                TestClauseKind::Expect { rule, status, subject } => {
                    let r = self.model.rule(&rule.text);
                    if r.is_none() && !self.broken("rule", &rule.text) {
                        let suggestion = did_you_mean(&rule.text, self.model.rules.iter().map(|r| r.id.as_str()));
                        self.error(
                            Diagnostic::new(Code::UnknownRule, rule.span).arg("rule", &rule.text).suggest(suggestion),
                        );
                    }
                    let status_value = self.word(status, &Status::ALL, "status");
                    if let (Some(r), Some(status_value)) = (r, status_value) {
                        let (passes, fails) = &mut self.tested[r];
                        match status_value {
                            Status::Pass | Status::OnTrack => *passes = true,
                            Status::Fail | Status::Behind => *fails = true,
                            Status::Unknown | Status::NotApplicable => {}
                        }
                        self.tests_of[r] += 1;
                        expectations.push(Expectation {
                            rule: r,
                            status: status_value,
                            subject: subject.as_ref().map(|s| s.value.clone()),
                            subject_span: subject.as_ref().map(|s| s.span),
                            span: clause.span,
                        });
                    }
                }
            }
        }
        for clause in ["given", "expect"] {
            if !test.clauses.iter().any(|c| c.kind.keyword() == clause) {
                self.error(Diagnostic::new(Code::IncompleteTest, test.name.span).arg("clause", clause));
            }
        }
        for (param, _) in &params {
            let known =
                expectations.iter().any(|x| self.model.rules[x.rule].params.iter().any(|p| p.name == param.text));
            if !known {
                let names: Vec<&str> = expectations
                    .iter()
                    .flat_map(|x| self.model.rules[x.rule].params.iter().map(|p| p.name.as_str()))
                    .collect();
                let suggestion = did_you_mean(&param.text, names);
                self.error(
                    Diagnostic::new(Code::UnknownParam, param.span).arg("param", &param.text).suggest(suggestion),
                );
            }
        }
        let (entity, record) = given?;
        for x in &expectations {
            let levels: Vec<usize> = self.model.rules[x.rule].judgements.iter().map(|j| j.level).collect();
            if levels.is_empty() {
                continue; // the rule's levels are unknown, already reported
            }
            let mut subjects = Vec::new();
            self.subjects(entity, &record, &levels, &mut subjects);
            let names: Vec<String> = levels.iter().map(|&l| self.entity_name(l)).collect();
            match &x.subject {
                Some(code) if !subjects.iter().any(|k| k.as_deref() == Some(code.as_str())) => {
                    let span = x.subject_span.unwrap_or(x.span);
                    self.error(
                        Diagnostic::new(Code::UnknownSubject, span)
                            .arg("code", code)
                            .arg("level", names.join("/"))
                            .with(record.span, "related"),
                    );
                }
                Some(_) => {}
                // The given record itself is the subject when the rule applies to it.
                None if levels.contains(&entity) => {}
                None if subjects.len() != 1 => self.error(
                    Diagnostic::new(Code::AmbiguousSubject, x.span)
                        .arg("count", subjects.len())
                        .arg("level", names.join("/"))
                        .with(record.span, "related"),
                ),
                None => {}
            }
        }
        for (param, value) in &params {
            let declared = expectations
                .iter()
                .flat_map(|x| self.model.rules[x.rule].params.iter())
                .find(|p| p.name == param.text)
                .map(|p| p.unit.clone());
            if let (Some(declared), Some(written)) = (declared, value.unit.as_ref())
                && let Some(unit) = self.unit_of(written)
                && unit != declared
            {
                self.error(
                    Diagnostic::new(Code::UnitMismatch, written.span)
                        .arg("left", declared.to_string())
                        .arg("right", unit.to_string())
                        .with(param.span, "related"),
                );
            }
        }
        Some(TestDef {
            name: test.name.value.clone(),
            entity,
            record,
            as_of,
            params: params.into_iter().map(|(n, v)| (n.text, v.number)).collect(),
            expectations,
            span,
        })
    }

    /// The key values (or `None` for records without one) of every record of the given
    /// levels in a test record, the record itself included.
    fn subjects(&self, entity: usize, record: &ast::Record, levels: &[usize], out: &mut Vec<Option<String>>) {
        let e = &self.model.entities[entity];
        if levels.contains(&entity) {
            let key = e.key.map(|k| e.fields[k].name.as_str());
            let value = record.entries.iter().find(|(n, _)| Some(n.text.as_str()) == key).and_then(|(_, v)| match v {
                Value::Str(s) => Some(s.value.clone()),
                _ => None,
            });
            out.push(value);
        }
        for (name, value) in &record.entries {
            let Some(f) = e.field(&name.text) else { continue };
            match (&e.fields[f].ty, value) {
                (Ty::Record(child), Value::Record(r)) => self.subjects(*child, r, levels, out),
                (Ty::List(inner), Value::List(items, _)) => {
                    if let Ty::Record(child) = **inner {
                        for item in items {
                            if let Value::Record(r) = item {
                                self.subjects(child, r, levels, out);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Checks a test record against an entity's fields.
    fn record(&mut self, entity: usize, record: &ast::Record) {
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in &record.entries {
            if let Some(first) =
                record.entries.iter().find(|(n, _)| n.text == name.text).filter(|_| seen.contains(&name.text.as_str()))
            {
                let first = first.0.span;
                self.duplicate(&name.text, name.span, first);
                continue;
            }
            seen.push(&name.text);
            let Some(f) = self.model.entities[entity].field(&name.text) else {
                self.unknown_field(entity, name);
                continue;
            };
            let field = self.model.entities[entity].fields[f].clone();
            self.value(&field.ty, field.nullable, value, &name.text);
        }
    }

    fn value(&mut self, ty: &Ty, nullable: bool, value: &Value, field: &str) {
        let bad = |expected: &str, found: &str| {
            Diagnostic::new(Code::BadTestValue, value.span())
                .arg("field", field)
                .arg("expected", expected)
                .arg("found", found)
        };
        let found = match value {
            Value::Record(_) => "record",
            Value::List(..) => "list",
            Value::Str(_) => "text",
            Value::Date(_) => "date",
            Value::Number(..) => "number",
            Value::Bool(..) => "bool",
            Value::Null(_) => "null",
        };
        match (ty, value) {
            (_, Value::Null(_)) if nullable => {}
            (Ty::Count(_), Value::Number(n, _)) => {
                if n.starts_with('-') || n.contains('.') {
                    self.error(bad("a whole number ≥ 0", n));
                }
            }
            (Ty::Decimal(_), Value::Number(..)) => {}
            (Ty::Percent, Value::Number(n, _)) => {
                if n.parse::<f64>().map_or(true, |v| !(0.0..=100.0).contains(&v)) {
                    self.error(bad("a percentage 0..100", n));
                }
            }
            (Ty::Bool, Value::Bool(..)) | (Ty::Text, Value::Str(_)) => {}
            (Ty::Date, Value::Date(d)) => {
                self.check_date(&d.text, d.span);
            }
            (Ty::Code(size), Value::Str(s)) => {
                let ok =
                    s.value.chars().all(|c| c.is_ascii_digit()) && size.is_none_or(|n| s.value.len() == n as usize);
                if !ok {
                    let expected = size.map_or("a code of digits".to_string(), |n| format!("a code of {n} digits"));
                    self.error(bad(&expected, &s.value));
                }
            }
            (Ty::Enum(variants), Value::Str(s)) => {
                if !variants.contains(&s.value) {
                    self.error(
                        Diagnostic::new(Code::UnknownWord, s.span)
                            .arg("word", &s.value)
                            .arg("what", field)
                            .arg("choices", variants.join(", "))
                            .suggest(did_you_mean(&s.value, variants.iter().map(String::as_str))),
                    );
                }
            }
            (Ty::Record(e), Value::Record(r)) => self.record(*e, r),
            (Ty::List(inner), Value::List(items, _)) => {
                for item in items {
                    self.value(inner, false, item, field);
                }
            }
            (ty, _) => {
                let expected = match ty {
                    Ty::Count(_) => "count".to_string(),
                    Ty::Decimal(_) => "decimal".to_string(),
                    Ty::Percent => "percent".to_string(),
                    Ty::Bool => "bool".to_string(),
                    Ty::Date => "date".to_string(),
                    Ty::Text => "text".to_string(),
                    Ty::Code(_) => "code".to_string(),
                    Ty::Enum(v) => v.join("/"),
                    Ty::Record(e) => self.entity_name(*e),
                    Ty::List(_) => "list".to_string(),
                };
                self.error(bad(&expected, found));
            }
        }
    }
}
