//! The checker: resolves names, types and units across all rule files, validates departments,
//! parameters and citations, and compiles expressions to the [`model`] IR. It never stops at
//! the first problem: everything it finds is returned with the model it could build.

mod cases;
mod declare;
pub use declare::{io_reason, valid_date};
pub use expr::{AGGREGATES, FUNCTIONS};
mod expr;
pub mod model;
mod rules;
pub mod schema;
pub mod units;

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::graph::RuleGraph;
use crate::source::Span;
use crate::syntax::ast;
use model::Model;
use schema::Schema;

/// A parsed file handed to the checker.
pub struct Input<'a> {
    pub ast: &'a ast::File,
    /// The directory the file lives in (the plan's `text` is relative to it).
    pub dir: &'a Path,
    /// `(keyword, name)` of items of this file that did not parse.
    pub broken: &'a [(String, String)],
}

/// The result of checking a rule set.
#[derive(Debug)]
pub struct Checked {
    pub model: Model,
    pub schema: Schema,
    pub graph: RuleGraph,
}

/// Checks all files together (names may be used in any file of the set).
pub fn check<'a>(inputs: &[Input<'a>], diagnostics: &'a mut Diagnostics) -> Checked {
    let mut c = Checker {
        model: Model::default(),
        schema: Schema::default(),
        diags: diagnostics,
        metric_ast: Vec::new(),
        metric_state: Vec::new(),
        metric_refs: Vec::new(),
        tested: Vec::new(),
        tests_of: Vec::new(),
        rule_ast: Vec::new(),
        names_seen: HashMap::new(),
        untranslated: std::collections::HashSet::new(),
        plan_text: std::cell::OnceCell::new(),
        broken: inputs.iter().flat_map(|i| i.broken.iter().cloned()).collect(),
        uncompiled: false,
    };
    c.declare(inputs);
    let (schema, cyclic) = Schema::build(&c.model);
    for e in cyclic {
        let entity = &c.model.entities[e];
        c.diags.push(Diagnostic::new(Code::ContainmentCycle, entity.span).arg("entity", &entity.name));
    }
    c.schema = schema;
    c.metrics();
    c.rules(inputs);
    c.cases(inputs);
    let graph = RuleGraph::build(&c.model);
    graph.report_cycles(&c.model, &c.metric_refs, c.diags);
    c.model.metric_order = graph.metric_order();
    c.unused(&graph);
    let Checker { model, schema, .. } = c;
    Checked { model, schema, graph }
}

/// Shared state of one checking run.
struct Checker<'a> {
    model: Model,
    schema: Schema,
    diags: &'a mut Diagnostics,
    /// The AST of each metric, by metric index.
    metric_ast: Vec<&'a ast::Metric>,
    /// Compilation state of each metric: 0 = not yet, 1 = in progress, 2 = done.
    metric_state: Vec<u8>,
    /// Where each metric is referenced from inside another metric: (from, to, span).
    metric_refs: Vec<(usize, usize, Span)>,
    /// Whether a test expects each rule to pass (or be on track), and to fail (or be behind).
    tested: Vec<(bool, bool)>,
    /// How many expectations name each rule.
    tests_of: Vec<usize>,
    /// Rule AST by rule index.
    rule_ast: Vec<&'a ast::Rule>,
    /// First definition of each name, by namespace, for duplicate reports.
    names_seen: HashMap<(Namespace, String), Span>,
    /// Declarations that did not parse: their names are not reported as unknown.
    broken: Vec<(String, String)>,
    /// Whether something was left uncompiled for an unknown entity (a rule's `applies to
    /// communty`): what it reads is then not known.
    uncompiled: bool,
    /// Headings of citations already reported without an English name (W0401), once each.
    untranslated: std::collections::HashSet<String>,
    /// The plan's text without white space, made once for every citation to be found in.
    plan_text: std::cell::OnceCell<Option<String>>,
}

/// The kinds of name that must be unique.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Namespace {
    Area,
    Department,
    Unit,
    Entity,
    Rule,
    Consistency,
    Test,
}

impl<'a> Checker<'a> {
    /// Records a definition; reports a duplicate and returns `false` if the name is taken.
    fn define(&mut self, space: Namespace, name: &str, span: Span) -> bool {
        match self.names_seen.get(&(space, name.to_string())) {
            Some(first) => {
                let first = *first;
                self.duplicate(name, span, first);
                false
            }
            None => {
                self.names_seen.insert((space, name.to_string()), span);
                true
            }
        }
    }

    fn duplicate(&mut self, name: &str, span: Span, first: Span) {
        self.diags.push(Diagnostic::new(Code::DuplicateDefinition, span).arg("name", name).with(first, "related"));
    }

    fn error(&mut self, d: Diagnostic) {
        // A field whose line did not parse (already reported) is unknown wherever it is read.
        let arg = |name: &str| d.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str());
        let of_broken_field = d.code == Code::UnknownName
            && arg("name").zip(arg("entity")).is_some_and(|(n, e)| self.broken("field", &format!("{e}.{n}")));
        if !of_broken_field {
            self.diags.push(d);
        }
    }

    /// Whether `name` was declared by an item with a syntax error (already reported).
    fn broken(&self, keyword: &str, name: &str) -> bool {
        self.broken.iter().any(|(k, n)| k == keyword && (n == name || keyword == "plan"))
    }
}
