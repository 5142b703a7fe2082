//! Running the tests written next to the rules: each given record is bound to the schema
//! (fields left out stay unknown), the expected rules are judged on it, and every expected
//! status is compared with the verdict.

use rust_decimal::Decimal;

use super::verdict::{JudgeOptions, Verdict, judge};
use crate::check::model::{Model, Status, TestDef};
use crate::data::bind::{self, parse_decimal};
use crate::data::instance::{Dataset, Date};
use crate::data::tree::{Entry, Node, Value};
use crate::syntax::ast;

/// The outcome of one expectation of one test.
#[derive(Debug)]
pub struct CaseResult {
    pub test: usize,
    pub expectation: usize,
    pub expected: Status,
    /// The verdict found for the subject, if there was one.
    pub verdict: Option<Verdict>,
    /// The test's record, bound: what the verdict's trace points into.
    pub dataset: std::sync::Arc<Dataset>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.verdict.as_ref().is_some_and(|v| v.status == self.expected)
    }
}

/// Runs every test of the model.
pub fn run(model: &Model) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for (t, test) in model.tests.iter().enumerate() {
        out.extend(run_one(model, t, test));
    }
    out
}

fn run_one(model: &Model, t: usize, test: &TestDef) -> Vec<CaseResult> {
    let mut dataset = Dataset::default();
    let node = record_node(&test.record);
    let mut diagnostics = Vec::new();
    let root = bind::bind(model, &mut dataset, &node, test.entity, crate::data::Format::Json, &mut diagnostics);
    dataset.documents.push(crate::data::instance::Document { file: test.record.span.file, root });
    let end = model.plan.as_ref().and_then(|p| p.period).map_or(2025, |(_, to)| to as i32);
    let as_of = test.as_of.as_deref().and_then(Date::parse).unwrap_or(Date::end_of_year(end));
    let params = test
        .params
        .iter()
        .filter_map(|(n, v)| parse_decimal(v).map(|d| (n.clone(), d)))
        .collect::<Vec<(String, Decimal)>>();
    let mut results = Vec::new();
    let dataset = std::sync::Arc::new(dataset);
    for (e, x) in test.expectations.iter().enumerate() {
        let options = JudgeOptions {
            as_of: Some(as_of),
            params: params.clone(),
            only: vec![model.rules[x.rule].id.clone()],
            trace: true,
            ..JudgeOptions::default()
        };
        let verdicts = judge(model, &dataset, &options);
        let chosen = verdicts.into_iter().find(|v| match &x.subject {
            Some(code) => super::key_of(model, &dataset, v.subject).as_deref() == Some(code.as_str()),
            None => v.subject == root || !model.rules[x.rule].judgements.iter().any(|j| j.level == test.entity),
        });
        results.push(CaseResult {
            test: t,
            expectation: e,
            expected: x.status,
            verdict: chosen,
            dataset: dataset.clone(),
        });
    }
    results
}

/// A test record as the same tree a submission file gives.
fn record_node(r: &ast::Record) -> Node<'static> {
    let entries = r
        .entries
        .iter()
        .map(|(k, v)| Entry { key: k.text.clone().into(), key_span: k.span, value: value_node(v) })
        .collect();
    Node::new(Value::Map(entries), r.span)
}

fn value_node(v: &ast::Value) -> Node<'static> {
    match v {
        ast::Value::Record(r) => record_node(r),
        ast::Value::List(items, span) => Node::new(Value::List(items.iter().map(value_node).collect()), *span),
        ast::Value::Str(s) => Node::new(Value::Text(s.value.clone().into()), s.span),
        ast::Value::Date(d) => Node::new(Value::Text(d.text.clone().into()), d.span),
        ast::Value::Number(n, span) => Node::new(Value::Number(n.clone().into()), *span),
        ast::Value::Bool(b, span) => Node::new(Value::Bool(*b), *span),
        ast::Value::Null(span) => Node::new(Value::Null, *span),
    }
}
