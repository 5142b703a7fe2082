//! Evaluation of compiled expressions over bound submissions, in exact decimal arithmetic.
//! A value that cannot be computed is never a silent zero: it is a list of [`Gap`]s naming
//! the fields that were missing or null.

pub mod blame;
pub mod cases;
pub mod consistency;
pub mod districts;
pub mod references;
pub mod verdict;
pub mod whole;

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::check::model::{AggPart, EntityId, Expr, ExprKind, FieldId, Function, MetricId, Model, Scope, Step};
use crate::data::instance::{Dataset, Date, InstanceId, Scalar, Slot};
use crate::source::Span;
use crate::syntax::ast::{AggFn, BinOp};

/// A computed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Num(Decimal),
    Bool(bool),
    Text(Arc<str>),
    Date(Date),
}

impl From<&Scalar> for Val {
    fn from(s: &Scalar) -> Val {
        match s {
            Scalar::Number(n) => Val::Num(*n),
            Scalar::Bool(b) => Val::Bool(*b),
            Scalar::Text(t) => Val::Text(t.clone()),
            Scalar::Date(d) => Val::Date(*d),
        }
    }
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Num(n) => write!(f, "{}", n.normalize()),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Text(t) => write!(f, "{t}"),
            Val::Date(d) => write!(f, "{d}"),
        }
    }
}

/// Why a value could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gap {
    /// A field that was not given.
    Missing(InstanceId, FieldId),
    /// A field given as null (not applicable) where a value was needed.
    Null(InstanceId, FieldId),
    /// A division by zero, or a minimum/maximum/share over nothing.
    Undefined(Span),
    /// A whole (全市) judged without some of its parts: the whole.
    PartsMissing(InstanceId),
    /// A parameter with no default that neither a submission nor `--param` gives: its index.
    Unsupplied(usize),
    /// A divisor that is zero: there is nothing to judge (`not_applicable`). The divisor as
    /// written, and the instance it was evaluated for.
    ZeroDivisor(Span, InstanceId),
    /// A result too large for exact arithmetic.
    Overflow(Span),
}

pub type Outcome = Result<Val, Vec<Gap>>;

/// A field read during evaluation, for explanations.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    pub instance: InstanceId,
    pub field: FieldId,
    /// The value read; `None` when it was missing or null, or is a list.
    pub value: Option<Val>,
    pub span: Option<Span>,
}

impl Read {
    /// The value as shown to people (`2380`, `null`, `[420, 410]`, `?` for a field not given).
    /// Made only where it is shown: blame reads many values and shows none this way.
    pub fn shown(&self, dataset: &Dataset) -> String {
        if let Some(v) = &self.value {
            return v.to_string();
        }
        match &dataset.get(self.instance).slots[self.field] {
            Slot::Scalars(values, _) => {
                let items: Vec<String> = values
                    .iter()
                    .map(|(v, _)| v.as_ref().map_or("null".to_string(), |s| Val::from(s).to_string()))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            Slot::Null(_) => "null".to_string(),
            _ => "?".to_string(),
        }
    }
}

/// What a derivation node stands for. Nodes are data: naming them for people (in either
/// language) is the report's work.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A submitted value: a field of the node's instance.
    Field(FieldId),
    /// A metric computed for the node's instance.
    Metric(MetricId),
    /// A parameter of the rule judged (its index among the rule's parameters) and where its
    /// value came from.
    Param(usize, Origin),
    /// An aggregate over the units below the node's instance.
    Aggregate(AggFn, Vec<PartRef>),
    /// A compared value that is a formula, not one metric or field.
    Formula,
    /// The rule's condition of application (`applies to … where …`) that rules a subject out.
    Condition,
}

/// What one part of an aggregate gathers, for naming it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PartRef {
    /// The entity of the elements; for a list of plain values, the entity holding the list.
    pub scope: EntityId,
    /// The list field, for a list of plain values.
    pub list: Option<FieldId>,
    /// What the part's value reads directly: one field or metric, or the two of a ratio.
    pub inputs: Vec<Input>,
    /// The field or metric the part's filter is, where it is one (`where has_problem`).
    pub filter: Option<Input>,
}

/// A field or metric an aggregate part reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    Field(EntityId, FieldId),
    Metric(MetricId),
}

/// Where a parameter's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The default written in the rule.
    Default,
    /// `--param` on the command line (or `with` in a rule test).
    Given,
    /// The submitted field the parameter is taken `from`, in this record.
    Submitted(InstanceId, FieldId),
}

/// A rule parameter's value for one subject.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// `None`: no default, nothing submitted and nothing given.
    pub value: Option<Decimal>,
    pub origin: Origin,
}

/// How a value was derived: a metric with its inputs, or a submitted value with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub node: Node,
    /// The instance the value belongs to.
    pub instance: InstanceId,
    /// The value; `None` when it could not be computed.
    pub value: Option<Val>,
    /// Where a submitted value was read.
    pub location: Option<Span>,
    pub inputs: Vec<Trace>,
    /// Inputs left out of `inputs` to keep a trace readable (aggregates over many units).
    pub omitted: usize,
    /// For a ratio of sums: the two sums, so that the quotient can be explained by them.
    pub sums: Option<(Decimal, Decimal)>,
}

impl Trace {
    /// A node with no value and no inputs yet.
    fn open(node: Node, instance: InstanceId) -> Trace {
        Trace { node, instance, value: None, location: None, inputs: Vec::new(), omitted: 0, sums: None }
    }

    /// A submitted value read: field `field` of `instance`, at `location`.
    fn read(field: FieldId, instance: InstanceId, value: Option<Val>, location: Option<Span>) -> Trace {
        Trace { value, location, ..Trace::open(Node::Field(field), instance) }
    }

    /// Whether the value read of `node` of `instance` at `location` is among the inputs shown
    /// (a leaf is one value read: a parameter, a field, an item of a list).
    fn shows(&self, node: &Node, instance: InstanceId, location: Option<Span>) -> bool {
        self.inputs
            .iter()
            .any(|t| t.inputs.is_empty() && t.location == location && t.instance == instance && t.node == *node)
    }

    /// Records the outcome of the node's computation.
    fn close(&mut self, out: &Outcome) {
        self.value = out.as_ref().ok().cloned();
    }
}

/// Most inputs kept under one trace node.
pub const TRACE_INPUTS: usize = 12;

/// A derivation node being built, with the values read that it leaves out: each is counted
/// once, however often it is read (a unit's field read by a filter and again by the value).
struct Open {
    node: Trace,
    /// Each value left out as its instance, what it is (a field, or a parameter with the top
    /// bit set) and where its place starts (the items of a list are one field at many places).
    left_out: foldhash::HashSet<(InstanceId, u32, u32)>,
}

impl Open {
    fn new(node: Trace) -> Open {
        Open { node, left_out: foldhash::HashSet::default() }
    }

    /// Counts the value read of `node` of `instance` at `location` among the inputs left out,
    /// unless it is shown or was counted already.
    fn leave_out(&mut self, node: &Node, instance: InstanceId, location: Option<Span>) {
        let what = match node {
            Node::Field(f) => Some(*f as u32),
            Node::Param(i, _) => Some(*i as u32 | 1 << 31),
            _ => None,
        };
        let start = location.map_or(0, |s| s.start);
        let new = what.is_none_or(|what| self.left_out.insert((instance, what, start)));
        if new && !self.node.shows(node, instance, location) {
            self.node.omitted += 1;
        }
    }
}

/// Evaluates expressions over one dataset; metric values are remembered per instance.
pub struct Evaluator<'a> {
    pub model: &'a Model,
    pub dataset: &'a Dataset,
    memo: foldhash::HashMap<(MetricId, InstanceId), Outcome>,
    /// Field reads are recorded here while `Some`.
    pub reads: Option<Vec<Read>>,
    /// The derivation being built while `Some`: a stack of open metric nodes.
    trace: Option<Vec<Open>>,
    /// `below[a][b]`: an instance of entity `a` may hold instances of `b` somewhere below it.
    below: Vec<Vec<bool>>,
    /// Values put in place of what was submitted or computed, to ask "what would pass"
    /// (empty otherwise); while any is set, no metric value is remembered.
    overrides: foldhash::HashMap<Override, Val>,
    /// The subject a verdict is being explained for (see [`Evaluator::why`]).
    subject: Option<InstanceId>,
}

/// A value that [`Evaluator::overrides`] replaces: a submitted field of an instance, or an
/// aggregate (by the address of its expression in the model) computed for an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Override {
    Field(InstanceId, FieldId),
    Aggregate(usize, InstanceId),
}

/// Which entities may be found below which: `below[a][b]` when a field path leads from `a` to `b`.
fn below(model: &Model) -> Vec<Vec<bool>> {
    let n = model.entities.len();
    let mut below = vec![vec![false; n]; n];
    for (a, row) in below.iter_mut().enumerate() {
        let mut stack = vec![a];
        while let Some(e) = stack.pop() {
            for f in &model.entities[e].fields {
                if let Some((child, _)) = f.ty.child_entity()
                    && !row[child]
                {
                    row[child] = true;
                    stack.push(child);
                }
            }
        }
    }
    below
}

impl<'a> Evaluator<'a> {
    pub fn new(model: &'a Model, dataset: &'a Dataset) -> Self {
        Evaluator {
            model,
            dataset,
            memo: foldhash::HashMap::default(),
            reads: None,
            subject: None,
            trace: None,
            below: below(model),
            overrides: foldhash::HashMap::default(),
        }
    }

    /// Evaluates `expr` and returns its derivation: a node `node` whose inputs are the
    /// metrics and submitted values it used.
    pub fn traced(&mut self, expr: &Expr, at: InstanceId, params: &[Param], node: Node) -> (Outcome, Trace) {
        let root = Open::new(Trace::open(node, at));
        let outer = self.trace.replace(vec![root]);
        let out = self.eval_in(expr, at, None, params);
        let mut stack = std::mem::replace(&mut self.trace, outer).unwrap_or_default();
        let mut root = stack.pop().map_or_else(|| Trace::open(Node::Formula, at), |open| open.node);
        root.close(&out);
        // A compared formula that is one metric or field is that metric or field.
        if root.inputs.len() == 1 && root.omitted == 0 && root.inputs[0].value == root.value {
            root = root.inputs.remove(0);
        }
        (out, root)
    }

    /// Whether the open trace node takes no more inputs; then the field `field` of `instance`
    /// read at `location` is only counted, unless it is among the inputs shown.
    fn trace_full(&mut self, field: FieldId, instance: InstanceId, location: Option<Span>) -> bool {
        match self.trace.as_mut().and_then(|s| s.last_mut()) {
            Some(top) if top.node.inputs.len() >= TRACE_INPUTS => {
                top.leave_out(&Node::Field(field), instance, location);
                true
            }
            _ => false,
        }
    }

    /// Computes `work` (the value of `node` of `at`) without a derivation of its own where the
    /// open node takes no more inputs: there the node would only be counted among the inputs
    /// left out, and its derivation built for nothing (a district's share over hundreds of
    /// units). `None` where the derivation is wanted, or where a node of the same kind without
    /// inputs is shown already and counting depends on whether this one has any.
    fn counted_only(
        &mut self,
        node: &Node,
        at: InstanceId,
        work: impl FnOnce(&mut Self) -> Outcome,
    ) -> Option<Outcome> {
        let top = self.trace.as_mut()?.last_mut()?;
        if top.node.inputs.len() < TRACE_INPUTS || top.node.shows(node, at, None) {
            return None;
        }
        top.node.omitted += 1;
        let stack = self.trace.take();
        let out = work(self);
        self.trace = stack;
        Some(out)
    }

    /// Opens a derivation node for `node` of `at`, while a derivation is built.
    fn open_node(&mut self, node: Node, at: InstanceId) {
        if let Some(stack) = self.trace.as_mut() {
            stack.push(Open::new(Trace::open(node, at)));
        }
    }

    /// The derivation node opened last, taken off the stack.
    fn close_node(&mut self) -> Option<Trace> {
        self.trace.as_mut().and_then(Vec::pop).map(|open| open.node)
    }

    /// Adds `leaf` to the inputs of the open node. A value read again (a parameter, or a field
    /// compared with each item of a list) is shown once among a node's inputs.
    fn trace_leaf(&mut self, leaf: Trace) {
        if let Some(top) = self.trace.as_mut().and_then(|s| s.last_mut()) {
            match (leaf.inputs.is_empty(), top.node.inputs.len() >= TRACE_INPUTS) {
                (true, true) => top.leave_out(&leaf.node, leaf.instance, leaf.location),
                (true, false) if top.node.shows(&leaf.node, leaf.instance, leaf.location) => {}
                (_, false) => top.node.inputs.push(leaf),
                (false, true) => top.node.omitted += 1,
            }
        }
    }

    /// Forgets the metric values computed so far.
    pub fn forget(&mut self) {
        self.memo.clear();
    }

    /// Evaluates `expr` for the subject `at`, with the rule's parameter values.
    pub fn eval(&mut self, expr: &Expr, at: InstanceId, params: &[Param]) -> Outcome {
        self.eval_in(expr, at, None, params)
    }

    fn eval_in(&mut self, expr: &Expr, at: InstanceId, each: Option<&Scalar>, params: &[Param]) -> Outcome {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Number(n) => Ok(Val::Num(*n)),
            ExprKind::Bool(b) => Ok(Val::Bool(*b)),
            ExprKind::Text(t) => Ok(Val::Text(Arc::from(t.as_str()))),
            ExprKind::Date(d) => Ok(Val::Date(*d)),
            ExprKind::Each => each.map(Val::from).ok_or_else(|| vec![Gap::Undefined(span)]),
            ExprKind::Param(i) => {
                let Some(p) = params.get(*i).copied() else { return Err(vec![Gap::Undefined(span)]) };
                let Some(value) = p.value else { return Err(vec![Gap::Unsupplied(*i)]) };
                // A value taken from a submitted field is read there, like the field itself.
                if let (Origin::Submitted(inst, f), Some(reads)) = (p.origin, &mut self.reads) {
                    let span = self.dataset.get(inst).slots[f].span();
                    reads.push(Read { instance: inst, field: f, value: Some(Val::Num(value)), span });
                }
                if self.trace.is_some() {
                    let location = match p.origin {
                        Origin::Submitted(inst, f) => self.dataset.get(inst).slots[f].span(),
                        _ => None,
                    };
                    let mut leaf = Trace::open(Node::Param(*i, p.origin), at);
                    leaf.value = Some(Val::Num(value));
                    leaf.location = location;
                    self.trace_leaf(leaf);
                }
                Ok(Val::Num(value))
            }
            ExprKind::Value(steps) => self.read(steps, at),
            ExprKind::Metric(steps, m) => {
                let target = self.walk(steps, at)?;
                self.metric(*m, target)
            }
            ExprKind::Not(x) => match self.eval_in(x, at, each, params)? {
                Val::Bool(b) => Ok(Val::Bool(!b)),
                _ => Err(vec![Gap::Undefined(span)]),
            },
            ExprKind::Neg(x) => match self.eval_in(x, at, each, params)? {
                Val::Num(n) => Ok(Val::Num(-n)),
                _ => Err(vec![Gap::Undefined(span)]),
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, at, each, params, span),
            ExprKind::If(c, a, b) => match self.eval_in(c, at, each, params)? {
                Val::Bool(true) => self.eval_in(a, at, each, params),
                _ => self.eval_in(b, at, each, params),
            },
            ExprKind::Call(f, args) => self.call(*f, args, at, each, params, span),
            ExprKind::Aggregate(..) => self.aggregate(expr, at, params),
        }
    }

    /// The value of a metric for an instance (computed once).
    pub fn metric(&mut self, m: MetricId, at: InstanceId) -> Outcome {
        let remembered = self.overrides.is_empty();
        if let Some(done) = self.memo.get(&(m, at))
            && self.reads.is_none()
            && self.trace.is_none()
            && remembered
        {
            return done.clone();
        }
        if let Some(out) = self.counted_only(&Node::Metric(m), at, |ev| ev.metric(m, at)) {
            return out;
        }
        let expr = &self.model.metrics[m].expr;
        self.open_node(Node::Metric(m), at);
        let out = self.eval_in(expr, at, None, &[]);
        if let Some(mut node) = self.close_node() {
            node.close(&out);
            self.trace_leaf(node);
        }
        if remembered {
            self.memo.insert((m, at), out.clone());
        }
        out
    }

    /// Follows steps to the instance that holds the last field.
    fn walk(&self, steps: &[Step], mut at: InstanceId) -> Result<InstanceId, Vec<Gap>> {
        for step in steps {
            match step {
                Step::Up(e) => at = self.dataset.ancestor(at, *e).ok_or_else(Vec::new)?,
                Step::Field(_, f) => match &self.dataset.get(at).slots[*f] {
                    Slot::Record(child) => at = *child,
                    Slot::Null(_) => return Err(vec![Gap::Null(at, *f)]),
                    _ => return Err(vec![Gap::Missing(at, *f)]),
                },
            }
        }
        Ok(at)
    }

    fn read(&mut self, steps: &[Step], at: InstanceId) -> Outcome {
        let Some((last, init)) = steps.split_last() else { return Err(Vec::new()) };
        let holder = self.walk(init, at)?;
        let holder = match last {
            Step::Up(e) => return self.dataset.ancestor(holder, *e).map(|_| Val::Bool(true)).ok_or_else(Vec::new),
            Step::Field(_, f) => (holder, *f),
        };
        let slot = &self.dataset.get(holder.0).slots[holder.1];
        if !self.overrides.is_empty()
            && let Some(v) = self.overrides.get(&Override::Field(holder.0, holder.1))
        {
            return Ok(v.clone());
        }
        let (out, span) = match slot {
            Slot::Scalar(s, span) => (Ok(Val::from(s)), Some(*span)),
            Slot::Null(span) => (Err(vec![Gap::Null(holder.0, holder.1)]), Some(*span)),
            _ => (Err(vec![Gap::Missing(holder.0, holder.1)]), None),
        };
        if self.reads.is_none() && self.trace_full(holder.1, holder.0, span) {
            return out;
        }
        if let Some(reads) = &mut self.reads {
            reads.push(Read { instance: holder.0, field: holder.1, value: out.as_ref().ok().cloned(), span });
        }
        if self.trace.is_some() {
            self.trace_leaf(Trace::read(holder.1, holder.0, out.as_ref().ok().cloned(), span));
        }
        out
    }

    #[expect(clippy::too_many_arguments, reason = "the evaluation context is passed explicitly")]
    fn binary(
        &mut self,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        at: InstanceId,
        each: Option<&Scalar>,
        params: &[Param],
        span: Span,
    ) -> Outcome {
        if matches!(op, BinOp::And | BinOp::Or) {
            // Three-valued logic: a decided side decides, an unknown side stays unknown.
            let short = op == BinOp::Or;
            let left = self.eval_in(a, at, each, params);
            if left == Ok(Val::Bool(short)) {
                return left;
            }
            let right = self.eval_in(b, at, each, params);
            return match (left, right) {
                (_, Ok(Val::Bool(v))) if v == short => Ok(Val::Bool(short)),
                (Ok(_), Ok(r)) => Ok(r),
                (Err(mut x), Err(y)) => {
                    x.extend(y);
                    Err(x)
                }
                (Err(x), _) | (_, Err(x)) => Err(x),
            };
        }
        let left = self.eval_in(a, at, each, params);
        let right = self.eval_in(b, at, each, params);
        let (l, r) = match (left, right) {
            (Ok(l), Ok(r)) => (l, r),
            (Err(mut x), Err(y)) => {
                x.extend(y);
                return Err(x);
            }
            (Err(x), _) | (_, Err(x)) => return Err(x),
        };
        let overflow = || vec![Gap::Overflow(span)];
        match (op, &l, &r) {
            (BinOp::Add, Val::Num(x), Val::Num(y)) => x.checked_add(*y).map(Val::Num).ok_or_else(overflow),
            (BinOp::Sub, Val::Num(x), Val::Num(y)) => x.checked_sub(*y).map(Val::Num).ok_or_else(overflow),
            (BinOp::Mul, Val::Num(x), Val::Num(y)) => x.checked_mul(*y).map(Val::Num).ok_or_else(overflow),
            (BinOp::Div, Val::Num(_), Val::Num(y)) if y.is_zero() => Err(vec![Gap::ZeroDivisor(b.span, at)]),
            (BinOp::Div, Val::Num(x), Val::Num(y)) => x.checked_div(*y).map(Val::Num).ok_or_else(overflow),
            (BinOp::Eq, _, _) => Ok(Val::Bool(l == r)),
            (BinOp::Ne, _, _) => Ok(Val::Bool(l != r)),
            (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, _, _) => {
                compare(op, &l, &r).map(Val::Bool).ok_or_else(|| vec![Gap::Undefined(span)])
            }
            _ => Err(vec![Gap::Undefined(span)]),
        }
    }

    fn call(
        &mut self,
        f: Function,
        args: &[Expr],
        at: InstanceId,
        each: Option<&Scalar>,
        params: &[Param],
        span: Span,
    ) -> Outcome {
        if f == Function::Present {
            let Some(Expr { kind: ExprKind::Value(steps), .. }) = args.first() else {
                return Err(vec![Gap::Undefined(span)]);
            };
            return match self.read(steps, at) {
                Ok(_) => Ok(Val::Bool(true)),
                Err(gaps) if gaps.iter().all(|g| matches!(g, Gap::Null(..))) && !gaps.is_empty() => {
                    Ok(Val::Bool(false))
                }
                Err(gaps) => Err(gaps),
            };
        }
        let mut values = Vec::with_capacity(args.len());
        let mut gaps = Vec::new();
        for a in args {
            match self.eval_in(a, at, each, params) {
                Ok(v) => values.push(v),
                Err(g) => gaps.extend(g),
            }
        }
        if !gaps.is_empty() {
            return Err(gaps);
        }
        match (f, values.as_slice()) {
            (Function::RoundHalfUp, [Val::Num(x)]) => {
                Ok(Val::Num(x.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)))
            }
            (Function::RoundHalfUp, [Val::Num(x), Val::Num(d)]) => {
                let digits = d.trunc().try_into().unwrap_or(0u32);
                Ok(Val::Num(x.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero)))
            }
            (Function::Abs, [Val::Num(x)]) => Ok(Val::Num(x.abs())),
            (Function::StartsWith, [Val::Text(t), Val::Text(p)]) => Ok(Val::Bool(t.starts_with(p.as_ref()))),
            (Function::Months, [Val::Date(a), Val::Date(b)]) => {
                let months = (b.year - a.year) as i64 * 12 + b.month as i64 - a.month as i64 + 1;
                Ok(Val::Num(Decimal::from(months)))
            }
            (Function::Year, [Val::Date(d)]) => Ok(Val::Num(Decimal::from(d.year))),
            _ => Err(vec![Gap::Undefined(span)]),
        }
    }

    /// The elements an aggregate part runs over: records, or the items of a list of plain
    /// values.
    fn elements(&mut self, scope: &Scope, at: InstanceId) -> Result<Vec<Element>, Vec<Gap>> {
        let records = |ids: Vec<InstanceId>| ids.into_iter().map(|instance| Element { instance, item: None }).collect();
        match scope {
            Scope::Descendants(e) => {
                let mut out = Vec::new();
                let below = &self.below;
                self.dataset.descendants(at, *e, &mut out, &|child| below[child][*e]);
                Ok(records(out))
            }
            Scope::List(steps, _) => {
                let Some((Step::Field(_, f), init)) = steps.split_last() else { return Ok(Vec::new()) };
                let holder = self.walk(init, at)?;
                match &self.dataset.get(holder).slots[*f] {
                    Slot::Records(ids, _) => Ok(records(ids.clone())),
                    Slot::Scalars(values, span) => {
                        if let Some(reads) = &mut self.reads {
                            reads.push(Read { instance: holder, field: *f, value: None, span: Some(*span) });
                        }
                        let item = |(value, span): &(Option<Scalar>, Span)| Element {
                            instance: holder,
                            item: Some(Item { value: value.clone(), field: *f, span: *span }),
                        };
                        Ok(values.iter().map(item).collect())
                    }
                    Slot::Null(_) => Err(vec![Gap::Null(holder, *f)]),
                    _ => Err(vec![Gap::Missing(holder, *f)]),
                }
            }
        }
    }

    /// An aggregate; while tracing it is a node of its own (`sum(community: households)`),
    /// so that its many inputs do not crowd out the others.
    fn aggregate(&mut self, expr: &Expr, at: InstanceId, params: &[Param]) -> Outcome {
        let ExprKind::Aggregate(f, parts) = &expr.kind else { return Err(vec![Gap::Undefined(expr.span)]) };
        if !self.overrides.is_empty()
            && let Some(v) = self.overrides.get(&Override::Aggregate(std::ptr::from_ref(expr) as usize, at))
        {
            return Ok(v.clone());
        }
        if self.trace.is_none() {
            return self.aggregate_values(*f, parts, at, params, expr.span).0;
        }
        let node = Node::Aggregate(*f, parts.iter().filter_map(part_ref).collect());
        if let Some(out) = self.counted_only(&node, at, |ev| ev.aggregate_values(*f, parts, at, params, expr.span).0) {
            return out;
        }
        self.open_node(node, at);
        let (out, sums) = self.aggregate_values(*f, parts, at, params, expr.span);
        if let Some(mut node) = self.close_node() {
            node.close(&out);
            node.sums = sums;
            self.trace_leaf(node);
        }
        out
    }

    fn aggregate_values(
        &mut self,
        f: AggFn,
        parts: &[AggPart],
        at: InstanceId,
        params: &[Param],
        span: Span,
    ) -> (Outcome, Option<(Decimal, Decimal)>) {
        let mut gaps = Vec::new();
        // (value, or None for a bare element) for each element that passes the filter
        let mut taken: Vec<Option<Val>> = Vec::new();
        let mut numerator = Decimal::ZERO;
        let mut denominator = Decimal::ZERO;
        for part in parts {
            let elements = match self.elements(&part.scope, at) {
                Ok(e) => e,
                Err(g) => {
                    gaps.extend(g);
                    continue;
                }
            };
            if f != AggFn::Ratio {
                taken.reserve(elements.len());
            }
            for Element { instance: element, item } in elements {
                if let (Some(item), Some(_)) = (&item, &self.trace) {
                    // An item of a list is a submitted value the aggregate reads.
                    self.trace_leaf(Trace::read(
                        item.field,
                        element,
                        item.value.as_ref().map(Val::from),
                        Some(item.span),
                    ));
                }
                let each = match &item {
                    Some(Item { value: Some(s), .. }) => Some(s),
                    Some(Item { value: None, .. }) => {
                        gaps.push(Gap::Undefined(span));
                        continue;
                    }
                    None => None,
                };
                if let Some(filter) = &part.filter {
                    match self.eval_in(filter, element, each, params) {
                        Ok(Val::Bool(true)) => {}
                        Ok(_) => continue,
                        Err(g) => {
                            gaps.extend(g);
                            continue;
                        }
                    }
                }
                if f == AggFn::Ratio {
                    if let Some(Expr { kind: ExprKind::Binary(BinOp::Div, a, b), .. }) = &part.value {
                        match (self.eval_in(a, element, each, params), self.eval_in(b, element, each, params)) {
                            (Ok(Val::Num(x)), Ok(Val::Num(y))) => {
                                match (numerator.checked_add(x), denominator.checked_add(y)) {
                                    (Some(n), Some(d)) => (numerator, denominator) = (n, d),
                                    _ => gaps.push(Gap::Overflow(span)),
                                }
                            }
                            (x, y) => {
                                gaps.extend(x.err().unwrap_or_default());
                                gaps.extend(y.err().unwrap_or_default());
                            }
                        }
                    }
                    continue;
                }
                match &part.value {
                    Some(v) => match self.eval_in(v, element, each, params) {
                        Ok(val) => taken.push(Some(val)),
                        Err(g) => gaps.extend(g),
                    },
                    None => taken.push(None),
                }
            }
        }
        if !gaps.is_empty() {
            return (Err(gaps), None);
        }
        let sums = (f == AggFn::Ratio).then_some((numerator, denominator));
        let numbers = || {
            taken.iter().filter_map(|v| match v {
                Some(Val::Num(n)) => Some(*n),
                _ => None,
            })
        };
        let truths = taken.iter().filter(|v| **v == Some(Val::Bool(true))).count();
        let undefined = || vec![Gap::Undefined(span)];
        let out = match f {
            AggFn::Count => Ok(Val::Num(Decimal::from(taken.len()))),
            AggFn::Sum => numbers()
                .try_fold(Decimal::ZERO, |acc, n| acc.checked_add(n))
                .map(Val::Num)
                .ok_or_else(|| vec![Gap::Overflow(span)]),
            AggFn::Min => numbers().min().map(Val::Num).ok_or_else(undefined),
            AggFn::Max => numbers().max().map(Val::Num).ok_or_else(undefined),
            AggFn::Any => Ok(Val::Bool(truths > 0)),
            AggFn::All => Ok(Val::Bool(truths == taken.len())),
            AggFn::Share if taken.is_empty() => Err(undefined()),
            AggFn::Share => Ok(Val::Num(Decimal::from(truths) * Decimal::ONE_HUNDRED / Decimal::from(taken.len()))),
            AggFn::Ratio if denominator.is_zero() => Err(undefined()),
            AggFn::Ratio => numerator.checked_div(denominator).map(Val::Num).ok_or_else(|| vec![Gap::Overflow(span)]),
        };
        (out, sums)
    }
}

/// What an aggregate part gathers, for naming it (`None` for a list scope that names no
/// field, which the checker does not let through).
fn part_ref(part: &AggPart) -> Option<PartRef> {
    let (scope, list) = match &part.scope {
        Scope::Descendants(e) => (*e, None),
        Scope::List(steps, _) => match steps.last() {
            Some(Step::Field(e, f)) => (*e, Some(*f)),
            _ => return None,
        },
    };
    let input = |e: &Expr| match &e.kind {
        ExprKind::Value(steps) => match steps.last() {
            Some(Step::Field(entity, f)) => Some(Input::Field(*entity, *f)),
            _ => None,
        },
        ExprKind::Metric(_, m) => Some(Input::Metric(*m)),
        _ => None,
    };
    let inputs = match part.value.as_ref().map(|v| &v.kind) {
        Some(ExprKind::Binary(BinOp::Div, a, b)) => input(a).into_iter().chain(input(b)).collect(),
        Some(_) => part.value.as_ref().and_then(input).into_iter().collect(),
        None => Vec::new(),
    };
    Some(PartRef { scope, list, inputs, filter: part.filter.as_ref().and_then(input) })
}

/// Whether `a op b` holds; `None` when the two cannot be compared.
pub fn compare(op: BinOp, a: &Val, b: &Val) -> Option<bool> {
    let ordering = match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.cmp(y),
        (Val::Date(x), Val::Date(y)) => x.cmp(y),
        (Val::Text(x), Val::Text(y)) => x.cmp(y),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        _ => return None,
    };
    Some(match op {
        BinOp::Eq => ordering.is_eq(),
        BinOp::Ne => !ordering.is_eq(),
        BinOp::Lt => ordering.is_lt(),
        BinOp::Le => ordering.is_le(),
        BinOp::Gt => ordering.is_gt(),
        BinOp::Ge => ordering.is_ge(),
        _ => return None,
    })
}

/// One element an aggregate part runs over: a record, or an item of a list of plain values
/// (then `instance` is the record that holds the list).
struct Element {
    instance: InstanceId,
    item: Option<Item>,
}

/// An item of a list of plain values: its value (`None` for null), the list field, its place.
struct Item {
    value: Option<Scalar>,
    field: FieldId,
    span: Span,
}

/// The key value of an instance, if its entity has a key.
pub fn key_of(model: &Model, dataset: &Dataset, id: InstanceId) -> Option<String> {
    let inst = dataset.get(id);
    let key = model.entities[inst.entity].key?;
    match &inst.slots[key] {
        Slot::Scalar(Scalar::Text(t), _) => Some(t.to_string()),
        Slot::Scalar(s, _) => Some(Val::from(s).to_string()),
        _ => None,
    }
}
