//! The rule graph (petgraph): submitted fields → derived values (metrics) → rules →
//! responsible departments. It gives the evaluation order of metrics, finds cycles among
//! them, and is exported as DOT, Mermaid or JSON.

use std::collections::HashMap;

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::check::model::{AggPart, Expr, ExprKind, MetricId, Model, Scope, Step};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::Span;

/// A node of the rule graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Field(usize, usize),
    Metric(MetricId),
    Rule(usize),
    Department(usize),
}

/// The rule graph of a checked model.
#[derive(Debug, Default)]
pub struct RuleGraph {
    pub graph: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
}

impl RuleGraph {
    pub fn build(model: &Model) -> RuleGraph {
        let mut g = RuleGraph::default();
        for m in 0..model.metrics.len() {
            g.node(Node::Metric(m));
        }
        for (m, metric) in model.metrics.iter().enumerate() {
            for dep in dependencies([&metric.expr]) {
                g.edge(dep, Node::Metric(m));
            }
        }
        for (r, rule) in model.rules.iter().enumerate() {
            let exprs = rule.judgements.iter().flat_map(|j| j.condition.iter().chain([&j.require]));
            g.node(Node::Rule(r));
            for dep in dependencies(exprs) {
                g.edge(dep, Node::Rule(r));
            }
            for &d in &rule.departments {
                g.edge(Node::Rule(r), Node::Department(d));
            }
        }
        g
    }

    fn node(&mut self, n: Node) -> NodeIndex {
        *self.index.entry(n).or_insert_with(|| self.graph.add_node(n))
    }

    fn edge(&mut self, from: Node, to: Node) {
        let (a, b) = (self.node(from), self.node(to));
        if !self.graph.contains_edge(a, b) {
            self.graph.add_edge(a, b, ());
        }
    }

    /// Reports each cycle among metrics once, with every reference that closes it.
    pub fn report_cycles(&self, model: &Model, refs: &[(MetricId, MetricId, Span)], diags: &mut Diagnostics) {
        for scc in tarjan_scc(&self.graph) {
            let metrics: Vec<MetricId> = scc
                .iter()
                .filter_map(|&i| match self.graph[i] {
                    Node::Metric(m) => Some(m),
                    _ => None,
                })
                .collect();
            let self_loop = metrics.len() == 1 && refs.iter().any(|(a, b, _)| a == b && *a == metrics[0]);
            if metrics.len() < 2 && !self_loop {
                continue;
            }
            let mut ordered = metrics.clone();
            ordered.sort_by_key(|&m| (model.metrics[m].span.file, model.metrics[m].span.start));
            let names: Vec<String> = cycle_order(&ordered, refs)
                .iter()
                .map(|&m| format!("{}.{}", model.entities[model.metrics[m].entity].name, model.metrics[m].name))
                .collect();
            let first = ordered[0];
            let mut d = Diagnostic::new(Code::MetricCycle, model.metrics[first].span)
                .arg("cycle", format!("{} → {}", names.join(" → "), names[0]));
            for (_, _, span) in refs.iter().filter(|(a, b, _)| metrics.contains(a) && metrics.contains(b)) {
                d = d.with(*span, "related");
            }
            diags.push(d);
        }
    }

    /// Metrics in evaluation order (those on a cycle are left out).
    pub fn metric_order(&self) -> Vec<MetricId> {
        let order = toposort(&self.graph, None).unwrap_or_default();
        order
            .into_iter()
            .filter_map(|i| match self.graph[i] {
                Node::Metric(m) => Some(m),
                _ => None,
            })
            .collect()
    }

    /// The part of the graph one rule stands on: the metrics and fields it reads (through every
    /// metric in between), the rule, and its departments.
    pub fn neighbourhood(&self, rule: usize) -> RuleGraph {
        let mut out = RuleGraph::default();
        let Some(&start) = self.index.get(&Node::Rule(rule)) else { return out };
        let mut pending = vec![start];
        let mut seen = vec![start];
        while let Some(i) = pending.pop() {
            out.node(self.graph[i]);
            for e in self.graph.edges_directed(i, petgraph::Direction::Incoming) {
                out.edge(self.graph[e.source()], self.graph[i]);
                if !seen.contains(&e.source()) {
                    seen.push(e.source());
                    pending.push(e.source());
                }
            }
        }
        for e in self.graph.edges(start) {
            out.edge(self.graph[start], self.graph[e.target()]);
        }
        out
    }

    /// Whether a metric feeds any rule or other metric.
    pub fn metric_is_used(&self, m: MetricId) -> bool {
        self.index.get(&Node::Metric(m)).is_some_and(|&i| self.graph.edges(i).next().is_some())
    }

    /// DOT for Graphviz.
    pub fn to_dot(&self, model: &Model) -> String {
        let mut out = String::from("digraph plancheck {\n  rankdir=LR;\n  node [fontname=\"Noto Sans CJK SC\"];\n");
        for i in self.graph.node_indices() {
            let n = self.graph[i];
            out.push_str(&format!("  n{} [label={:?}, shape={}];\n", i.index(), label(model, n), shape(n)));
        }
        for e in self.graph.edge_references() {
            out.push_str(&format!("  n{} -> n{};\n", e.source().index(), e.target().index()));
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart.
    pub fn to_mermaid(&self, model: &Model) -> String {
        let mut out = String::from("flowchart LR\n");
        for i in self.graph.node_indices() {
            let n = self.graph[i];
            let text = label(model, n).replace('"', "'");
            let (open, close) = match n {
                Node::Field(..) => ("[/", "/]"),
                Node::Metric(_) => ("(", ")"),
                Node::Rule(_) => ("[", "]"),
                Node::Department(_) => ("{{", "}}"),
            };
            out.push_str(&format!("  n{}{open}\"{text}\"{close}\n", i.index()));
        }
        for e in self.graph.edge_references() {
            out.push_str(&format!("  n{} --> n{}\n", e.source().index(), e.target().index()));
        }
        out
    }

    /// JSON: `{"nodes": [{"id", "kind", "label"}], "edges": [{"from", "to"}]}`.
    pub fn to_json(&self, model: &Model) -> String {
        #[derive(Serialize)]
        struct JsonNode {
            id: usize,
            kind: &'static str,
            label: String,
        }
        #[derive(Serialize)]
        struct JsonEdge {
            from: usize,
            to: usize,
        }
        #[derive(Serialize)]
        struct Json {
            nodes: Vec<JsonNode>,
            edges: Vec<JsonEdge>,
        }
        let json = Json {
            nodes: self
                .graph
                .node_indices()
                .map(|i| JsonNode { id: i.index(), kind: kind(self.graph[i]), label: label(model, self.graph[i]) })
                .collect(),
            edges: self
                .graph
                .edge_references()
                .map(|e| JsonEdge { from: e.source().index(), to: e.target().index() })
                .collect(),
        };
        serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
    }
}

fn kind(n: Node) -> &'static str {
    match n {
        Node::Field(..) => "field",
        Node::Metric(_) => "metric",
        Node::Rule(_) => "rule",
        Node::Department(_) => "department",
    }
}

fn shape(n: Node) -> &'static str {
    match n {
        Node::Field(..) => "note",
        Node::Metric(_) => "ellipse",
        Node::Rule(_) => "box",
        Node::Department(_) => "hexagon",
    }
}

/// How a node is named to people.
pub fn label(model: &Model, n: Node) -> String {
    match n {
        Node::Field(e, f) => format!("{}.{}", model.entities[e].name, model.entities[e].fields[f].name),
        Node::Metric(m) => format!("{}.{}", model.entities[model.metrics[m].entity].name, model.metrics[m].name),
        Node::Rule(r) => model.rules[r].id.clone(),
        Node::Department(d) => model.departments[d].name.clone(),
    }
}

/// Puts the metrics of a cycle in the order their references follow.
fn cycle_order(metrics: &[MetricId], refs: &[(MetricId, MetricId, Span)]) -> Vec<MetricId> {
    let mut order = vec![metrics[0]];
    while order.len() < metrics.len() {
        let last = order[order.len() - 1];
        match refs.iter().find(|(a, b, _)| *a == last && metrics.contains(b) && !order.contains(b)) {
            Some((_, b, _)) => order.push(*b),
            None => break,
        }
    }
    for &m in metrics {
        if !order.contains(&m) {
            order.push(m);
        }
    }
    order
}

/// Every field and metric an expression reads.
fn dependencies<'e>(exprs: impl IntoIterator<Item = &'e Expr>) -> Vec<Node> {
    let mut out = Vec::new();
    for e in exprs {
        collect(e, &mut out);
    }
    out
}

fn collect(e: &Expr, out: &mut Vec<Node>) {
    let steps = |steps: &[Step], out: &mut Vec<Node>| {
        for s in steps {
            if let Step::Field(entity, field) = s {
                out.push(Node::Field(*entity, *field));
            }
        }
    };
    match &e.kind {
        ExprKind::Value(s) => steps(s, out),
        ExprKind::Metric(s, m) => {
            steps(s, out);
            out.push(Node::Metric(*m));
        }
        ExprKind::Not(x) | ExprKind::Neg(x) => collect(x, out),
        ExprKind::Binary(_, a, b) => {
            collect(a, out);
            collect(b, out);
        }
        ExprKind::If(c, a, b) => {
            collect(c, out);
            collect(a, out);
            collect(b, out);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|a| collect(a, out)),
        ExprKind::Aggregate(_, parts) => {
            for AggPart { scope, value, filter } in parts {
                if let Scope::List(s, _) = scope {
                    steps(s, out);
                }
                value.iter().chain(filter.iter()).for_each(|x| collect(x, out));
            }
        }
        ExprKind::Number(_)
        | ExprKind::Bool(_)
        | ExprKind::Text(_)
        | ExprKind::Date(_)
        | ExprKind::Param(_)
        | ExprKind::Each => {}
    }
}
