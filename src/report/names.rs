//! Names for people in the report's language: rules, entities, fields, metrics, parameters,
//! units, departments and derivation nodes. This is where an index of the model becomes
//! words; Chinese names come from the rules (titles, labels), English ones from the rules'
//! English names, else from the identifiers the rules declare.

use std::sync::{Arc, RwLock};

use rust_decimal::Decimal;

use crate::check::model::{EntityId, FieldId, MetricId, Model, RuleId};
use crate::check::units::Unit;
use crate::diagnostics::{Lang, catalog};
use crate::eval::{Input, Node, PartRef, Trace};
use crate::syntax::ast::AggFn;

/// A derivation node's label, name for people and the unit of its value, shared by every
/// trace that shows it.
pub type NodeName = (Arc<str>, Arc<str>, Option<Unit>);

/// The names of the derivation nodes named so far: every trace of a rule shows the same few
/// nodes, named once for a report and shared by the threads that view verdicts.
#[derive(Default)]
pub struct NodeNames(RwLock<foldhash::HashMap<NodeKey, NodeName>>);

/// What a node's name depends on.
#[derive(PartialEq, Eq, Hash)]
enum NodeKey {
    Field(EntityId, FieldId),
    Metric(MetricId),
    Param(RuleId, usize),
    Aggregate(AggFn, Vec<PartRef>),
    Formula,
    Condition,
}

impl NodeNames {
    /// The names of node `t` of a trace of `rule` on an instance of `entity`, as
    /// [`Names::node`] makes them.
    pub fn get(&self, names: &Names<'_>, rule: RuleId, t: &Trace, entity: EntityId) -> NodeName {
        let key = match &t.node {
            Node::Field(f) => NodeKey::Field(entity, *f),
            Node::Metric(m) => NodeKey::Metric(*m),
            Node::Param(i, _) => NodeKey::Param(rule, *i),
            Node::Aggregate(f, parts) => NodeKey::Aggregate(*f, parts.clone()),
            Node::Formula => NodeKey::Formula,
            Node::Condition => NodeKey::Condition,
        };
        if let Some(named) = self.0.read().ok().and_then(|known| known.get(&key).cloned()) {
            return named;
        }
        let (label, title) = names.node(rule, t, entity);
        let named: NodeName = (label.into(), title.into(), names.node_unit(rule, t, entity));
        if let Ok(mut known) = self.0.write() {
            known.insert(key, named.clone());
        }
        named
    }
}

/// A total named for people (`x合计`), with its unit.
pub type Total = (String, Option<Unit>);

/// Names in one language.
#[derive(Clone, Copy)]
pub struct Names<'a> {
    pub model: &'a Model,
    pub lang: Lang,
}

impl Names<'_> {
    /// A rule's title: its English title in English, where it has one.
    pub fn rule(&self, r: RuleId) -> String {
        let rule = &self.model.rules[r];
        match (self.lang, &rule.english) {
            (Lang::En, Some(english)) => english.clone(),
            _ => rule.title.clone(),
        }
    }

    /// An entity (`城市社区（居委会）`, `Urban community`).
    pub fn entity(&self, e: EntityId) -> String {
        let def = &self.model.entities[e];
        match self.lang {
            Lang::En => def.english.clone().unwrap_or_else(|| humane(&def.name)),
            Lang::Zh => def.title.clone().unwrap_or_else(|| def.name.clone()),
        }
    }

    /// An entity's name for the middle of a sentence: in English, its first letter in lower
    /// case (`2 more of the urban community must comply`).
    pub fn entity_in_sentence(&self, e: EntityId) -> String {
        match self.lang {
            Lang::En => crate::check::model::lower_first(&self.entity(e)),
            Lang::Zh => self.entity(e),
        }
    }

    /// An entity's units for the middle of a sentence, counted: in English, in the plural
    /// (`number of villages`, `1 more of the urban communities`).
    pub fn entities_in_sentence(&self, e: EntityId) -> String {
        match self.lang {
            Lang::En => plural(&self.entity_in_sentence(e)),
            Lang::Zh => self.entity(e),
        }
    }

    /// A field: its label in Chinese, its identifier in words in English.
    pub fn field(&self, e: EntityId, f: FieldId) -> String {
        let def = &self.model.entities[e].fields[f];
        match self.lang {
            Lang::En => humane(&def.name),
            Lang::Zh => def.label.clone().unwrap_or_else(|| def.name.clone()),
        }
    }

    /// A metric: its title in Chinese, its identifier in words in English.
    pub fn metric(&self, m: MetricId) -> String {
        let def = &self.model.metrics[m];
        match self.lang {
            Lang::En => humane(&def.name),
            Lang::Zh => def.title.clone().unwrap_or_else(|| def.name.clone()),
        }
    }

    /// A citation's section of the plan (`重点任务 › 社区养老服务行动`): in English, each heading
    /// by the English name the plan header gives it.
    pub fn section(&self, section: &str) -> String {
        match (self.lang, &self.model.plan) {
            (Lang::En, Some(plan)) => plan.english_section(section),
            _ => section.to_string(),
        }
    }

    /// A responsible department.
    pub fn department(&self, d: usize) -> String {
        let def = &self.model.departments[d];
        match (self.lang, &def.english) {
            (Lang::En, Some(english)) => english.clone(),
            _ => def.name.clone(),
        }
    }

    /// The unit of a field's values, where it has one.
    pub fn field_unit(&self, e: EntityId, f: FieldId) -> Option<Unit> {
        // A list's numbers are its items.
        self.model.entities[e].fields[f].ty.item().unit()
    }

    /// A number with its unit: `12人`, `12 persons`, `40%`.
    pub fn quantity(&self, number: &str, unit: Option<&Unit>) -> String {
        let Some(unit) = unit.filter(|u| !u.is_one()) else { return number.to_string() };
        match self.lang == Lang::En && !symbolic(unit) {
            true => format!("{number} {}", self.english_unit(unit, number != "1")),
            false => [number, unit.as_str()].concat(),
        }
    }

    /// A unit by itself: `人`, `persons`, `%`.
    pub fn unit(&self, unit: &Unit) -> String {
        match self.lang == Lang::En && !symbolic(unit) {
            true => self.english_unit(unit, true),
            false => unit.as_str().to_string(),
        }
    }

    /// A unit in English words: `persons per ten thousand persons`.
    fn english_unit(&self, unit: &Unit, plural: bool) -> String {
        let word = |name: &str, plural: bool| {
            let english = self.model.units.get(name).and_then(|u| u.description.clone()).unwrap_or(name.to_string());
            let short = english.split(" (").next().unwrap_or(&english).to_string();
            match plural && !short.ends_with('s') && short != "yuan" {
                true => format!("{short}s"),
                false => short,
            }
        };
        let over: Vec<String> = unit.factors().filter(|(_, e)| *e > 0).map(|(n, _)| word(n, plural)).collect();
        let under: Vec<String> = unit.factors().filter(|(_, e)| *e < 0).map(|(n, _)| word(n, false)).collect();
        let mut text = over.join(" ");
        for u in under {
            text.push_str(" per ");
            text.push_str(&u);
        }
        text
    }

    /// What a derivation node is: its label as written in the rules (`community.households`,
    /// `sum(community: households)`) and its name for people.
    pub fn node(&self, rule: RuleId, t: &Trace, entity: EntityId) -> (String, String) {
        match &t.node {
            Node::Field(f) => {
                let def = &self.model.entities[entity];
                (format!("{}.{}", def.name, def.fields[*f].name), self.field(entity, *f))
            }
            Node::Metric(m) => {
                let def = &self.model.metrics[*m];
                (format!("{}.{}", self.model.entities[def.entity].name, def.name), self.metric(*m))
            }
            Node::Param(i, _) => {
                let param = self.model.rules[rule].params.get(*i);
                let name = param.map_or(String::new(), |p| p.name.clone());
                let title = match (self.lang, param.and_then(|p| p.description.clone())) {
                    (Lang::Zh, Some(d)) => d,
                    _ => humane(&name),
                };
                (format!("param {name}"), title)
            }
            Node::Aggregate(f, parts) => {
                let mut labels = Vec::new();
                let mut titles: Vec<String> = Vec::new();
                for p in parts {
                    let scope = &self.model.entities[p.scope].name;
                    let inputs: Vec<(String, String)> = p.inputs.iter().map(|i| self.input(*i)).collect();
                    let (label, title) = match (p.list, inputs.is_empty()) {
                        (Some(list), _) => (
                            format!("{scope}.{}", self.model.entities[p.scope].fields[list].name),
                            self.field(p.scope, list),
                        ),
                        (None, true) => (self.scope_label(p), self.units(std::slice::from_ref(p))),
                        (None, false) => {
                            let (names, titles): (Vec<String>, Vec<String>) = inputs.into_iter().unzip();
                            (format!("{scope}: {}", names.join(" / ")), titles.join(" / "))
                        }
                    };
                    labels.push(label);
                    if !titles.contains(&title) {
                        titles.push(title);
                    }
                }
                let of = titles.join(&self.separator());
                let title = catalog::text(self.lang, &format!("agg.{}", f.name()), &[("of", of)]).unwrap_or_default();
                (format!("{}({})", f.name(), labels.join(", ")), title)
            }
            Node::Formula => {
                let title = catalog::text(self.lang, "explain.value", &[]).unwrap_or_default();
                ("value".to_string(), title)
            }
            Node::Condition => {
                let title = catalog::text(self.lang, "explain.condition", &[]).unwrap_or_default();
                ("applies to".to_string(), title)
            }
        }
    }

    /// The unit of a derivation node's value, where it has one: a field's, a metric's or a
    /// parameter's; a sum's, least's or greatest's that of what it adds up or compares. Counts,
    /// shares, ratios, yes/no values and formulas are shown bare.
    pub fn node_unit(&self, rule: RuleId, t: &Trace, entity: EntityId) -> Option<Unit> {
        match &t.node {
            Node::Field(f) => self.field_unit(entity, *f),
            Node::Metric(m) => self.model.metrics[*m].unit.clone(),
            Node::Param(i, _) => self.model.rules[rule].params.get(*i).map(|p| p.unit.clone()),
            Node::Aggregate(AggFn::Sum | AggFn::Min | AggFn::Max, parts) => {
                let unit_of = |p: &PartRef| match (p.list, p.inputs.as_slice()) {
                    (Some(list), _) => self.field_unit(p.scope, list),
                    (None, [input]) => self.input_unit(*input),
                    _ => None,
                };
                let first = parts.first().and_then(unit_of);
                first.filter(|u| parts.iter().all(|p| unit_of(p).as_ref() == Some(u)))
            }
            Node::Aggregate(..) | Node::Formula | Node::Condition => None,
        }
    }

    /// A field or metric an aggregate reads: its identifier and its name for people.
    fn input(&self, i: Input) -> (String, String) {
        match i {
            Input::Field(e, f) => (self.model.entities[e].fields[f].name.clone(), self.field(e, f)),
            Input::Metric(m) => (self.model.metrics[m].name.clone(), self.metric(m)),
        }
    }

    /// A field or metric as written with its entity (`community.households`), and its name
    /// for people.
    pub fn input_named(&self, i: Input) -> (String, String) {
        let entity = match i {
            Input::Field(e, _) => e,
            Input::Metric(m) => self.model.metrics[m].entity,
        };
        let (name, title) = self.input(i);
        (format!("{}.{name}", self.model.entities[entity].name), title)
    }

    /// The unit of a field's or metric's values.
    pub fn input_unit(&self, i: Input) -> Option<Unit> {
        match i {
            Input::Field(e, f) => self.field_unit(e, f),
            Input::Metric(m) => self.model.metrics[m].unit.clone(),
        }
    }

    /// A part's units as written: `community`, `community where has_police_office`.
    fn scope_label(&self, p: &PartRef) -> String {
        let scope = self.model.entities[p.scope].name.clone();
        match p.filter {
            Some(filter) => format!("{scope} where {}", self.input(filter).0),
            None => scope,
        }
    }

    /// The units of an aggregate's parts as written (`community, village`), for labels.
    pub fn units_label(&self, parts: &[PartRef]) -> String {
        parts.iter().map(|p| self.scope_label(p)).collect::<Vec<_>>().join(", ")
    }

    /// The units of an aggregate's parts for people, each kind once, with what their filter
    /// takes: `城市社区（居委会）、村（村委会）`, `是否有警务室为“是”的城市社区（居委会）`.
    pub fn units(&self, parts: &[PartRef]) -> String {
        let mut titles: Vec<String> = Vec::new();
        for p in parts {
            let units = self.entities_in_sentence(p.scope);
            let title = match p.filter {
                Some(filter) => {
                    catalog::text(self.lang, "units.where", &[("units", units), ("filter", self.input(filter).1)])
                        .unwrap_or_default()
                }
                None => units,
            };
            if !titles.contains(&title) {
                titles.push(title);
            }
        }
        titles.join(&self.separator())
    }

    fn separator(&self) -> String {
        catalog::text(self.lang, "list.separator", &[]).unwrap_or_default()
    }

    /// The totals of a ratio of sums for people, with their units: (`x合计`, `y合计`).
    pub fn ratio_sums(&self, t: &Trace) -> Option<(Total, Total)> {
        let Node::Aggregate(AggFn::Ratio, parts) = &t.node else { return None };
        let [num, den] = parts.first()?.inputs.as_slice() else { return None };
        let total = |i: &Input| {
            let name = catalog::text(self.lang, "agg.sum", &[("of", self.input(*i).1)])?;
            Some((name, self.input_unit(*i)))
        };
        Some((total(num)?, total(den)?))
    }
}

/// An identifier in words: `full_time_deputy_directors` → `full time deputy directors`.
/// An English name in the plural: its last word before any parenthesis (`streets (subdistrict,
/// town or township)`, `urban communities`); a name that ends in `s` is kept.
fn plural(name: &str) -> String {
    let (head, tail) = name.find(" (").map_or((name, ""), |at| name.split_at(at));
    let consonant_y = head.strip_suffix('y').filter(|h| !h.ends_with(['a', 'e', 'i', 'o', 'u']));
    let head = match consonant_y {
        Some(stem) => format!("{stem}ies"),
        None if head.ends_with('s') => head.to_string(),
        None if head.ends_with(['x', 'z']) || head.ends_with("ch") || head.ends_with("sh") => format!("{head}es"),
        None => format!("{head}s"),
    };
    format!("{head}{tail}")
}

/// A unit written with signs only (`%`, `m²`), the same in every language.
fn symbolic(unit: &Unit) -> bool {
    unit.factors().all(|(n, _)| !n.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
}

/// An identifier in English words: `facility_total_area_m2` → `facility total area`,
/// `workers_per_10k_urban` → `workers per 10,000 urban`.
pub fn humane(name: &str) -> String {
    // A unit at the end is said by the value's own unit (`facility total area 690m²`); figures
    // are written as numbers are.
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let kept = match words.split_last() {
        Some((&"m2", rest)) if !rest.is_empty() => rest,
        _ => &words[..],
    };
    let spelt: Vec<&str> = kept
        .iter()
        .map(|w| match *w {
            "10k" => "10,000",
            "1000" => "1,000",
            "pct" => "%",
            w => w,
        })
        .collect();
    spelt.join(" ")
}

/// A number for people: two decimals, more where two would show a number that is not whole as
/// whole (57.9999, not 58); no trailing zeros.
pub fn number(n: Decimal) -> String {
    text(fewest_places(n, 2, |r| keeps_fraction(n, r)))
}

/// A derived number in a derivation: at most four decimals, no trailing zeros.
pub fn precise(n: Decimal) -> String {
    text(derived(n, None))
}

/// A derived number as derivations and the JSON report give it: rounded half away from zero to
/// four decimals, without trailing zeros; to more where four would show a value that is not
/// whole as whole (0.9999997, not 1) or, next to the `threshold` it is compared with, on the
/// threshold or across it (99.99997 against 100; 2.69999 against 2.7).
pub fn derived(n: Decimal, threshold: Option<Decimal>) -> Decimal {
    fewest_places(n, 4, |r| keeps_fraction(n, r) && threshold.is_none_or(|t| r.cmp(&t) == n.cmp(&t)))
}

/// A number shown next to a threshold it is compared with: with as many decimals as it takes
/// to stay on its side of the threshold (99.9973, not 100; 2.6996, not 2.7).
pub fn number_against(n: Decimal, threshold: Option<Decimal>) -> String {
    let Some(t) = threshold else { return number(n) };
    text(fewest_places(n, 2, |r| r.cmp(&t) == n.cmp(&t) && keeps_fraction(n, r)))
}

/// `n` as `Decimal` writes itself (`3.100`, `-0.05`), without the formatting machinery where
/// its digits fit in 64 bits: reports write some hundred thousand numbers.
pub fn text(n: Decimal) -> String {
    let digits = match i64::try_from(n.mantissa()) {
        Ok(m) if m != 0 => m.unsigned_abs(),
        _ => return n.to_string(),
    };
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(digits);
    let scale = n.scale() as usize;
    let mut out = String::with_capacity(digits.len() + scale + 3);
    if n.is_sign_negative() {
        out.push('-');
    }
    match digits.len().checked_sub(scale) {
        Some(0) | None => {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', scale - digits.len()));
            out.push_str(digits);
        }
        Some(whole) if scale > 0 => {
            out.push_str(&digits[..whole]);
            out.push('.');
            out.push_str(&digits[whole..]);
        }
        Some(_) => out.push_str(digits),
    }
    out
}

/// Whether `r`, `n` rounded, is whole only where `n` is: 57.9999 is not shown as 58.
fn keeps_fraction(n: Decimal, r: &Decimal) -> bool {
    n.fract().is_zero() || !r.fract().is_zero()
}

/// `n` rounded half away from zero to the fewest decimals, `least` or more, at which it `keeps`
/// what it must (else `n` as it is), without trailing zeros.
fn fewest_places(n: Decimal, least: u32, keeps: impl Fn(&Decimal) -> bool) -> Decimal {
    (least..=28)
        .map(|dp| n.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
        .find(|r| keeps(r))
        .unwrap_or(n)
        .normalize()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    proptest! {
        #[test]
        fn numbers_are_written_as_decimal_writes_them(m in any::<i64>(), wide in any::<i128>(), scale in 0u32..=28) {
            for mantissa in [i128::from(m), wide % 10i128.pow(28), i128::from(m % 1000), 0] {
                if let Ok(n) = Decimal::try_from_i128_with_scale(mantissa, scale) {
                    prop_assert_eq!(super::text(n), n.to_string());
                    prop_assert_eq!(super::text(-n), (-n).to_string());
                }
            }
        }
    }
}
