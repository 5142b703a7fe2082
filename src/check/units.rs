//! Units of measure. A unit is kept symbolically (`人/万人` stays `人/万人`, it does not
//! become a bare number), so that comparing a percentage with persons per ten thousand is an
//! error even though both are ratios. Each named unit also has a dimension over the base
//! units, used to accept a formula whose scale the author applied by hand (`… * 10000`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use crate::source::Span;

/// A product of named units with integer exponents; empty means a plain number. Shared: every
/// verdict carries the unit of its compared value, and reports show it for every number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unit(Arc<Factors>);

/// A unit's factors and how it is written, made once (reports write it for every number).
#[derive(Debug, PartialEq, Eq, Hash)]
struct Factors {
    exponents: BTreeMap<String, i32>,
    shown: Box<str>,
}

impl Default for Unit {
    fn default() -> Self {
        Unit::of(BTreeMap::new())
    }
}

impl Unit {
    /// A plain number (no unit).
    pub fn one() -> Self {
        Unit::default()
    }

    pub fn named(name: &str) -> Self {
        Unit::of(BTreeMap::from([(name.to_string(), 1)]))
    }

    fn of(exponents: BTreeMap<String, i32>) -> Self {
        let shown = written(&exponents).into_boxed_str();
        Unit(Arc::new(Factors { exponents, shown }))
    }

    pub fn is_one(&self) -> bool {
        self.0.exponents.is_empty()
    }

    pub fn mul(&self, other: &Unit) -> Unit {
        self.combine(other, 1)
    }

    pub fn div(&self, other: &Unit) -> Unit {
        self.combine(other, -1)
    }

    fn combine(&self, other: &Unit, sign: i32) -> Unit {
        let mut out = self.0.exponents.clone();
        for (name, exp) in &other.0.exponents {
            *out.entry(name.clone()).or_insert(0) += sign * exp;
        }
        out.retain(|_, e| *e != 0);
        Unit::of(out)
    }

    /// How the unit is written: `m²/户`, `人/万人`, `1` for a plain number.
    pub fn as_str(&self) -> &str {
        &self.0.shown
    }

    pub fn factors(&self) -> impl Iterator<Item = (&str, i32)> {
        self.0.exponents.iter().map(|(n, e)| (n.as_str(), *e))
    }
}

impl fmt::Display for Unit {
    /// `m²/户`, `人/万人`, `1` for a plain number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.shown)
    }
}

/// How a unit of these factors is written: `m²/户`, `人/万人`, `1` for a plain number.
fn written(exponents: &BTreeMap<String, i32>) -> String {
    let power = |out: &mut String, n: &str, e: i32| {
        out.push_str(n);
        if e != 1 {
            out.push('^');
            out.push_str(&e.to_string());
        }
    };
    let mut out = String::new();
    let mut over = exponents.iter().filter(|(_, e)| **e > 0).peekable();
    if over.peek().is_none() {
        out.push('1');
    }
    for (i, (n, e)) in over.enumerate() {
        if i > 0 {
            out.push('·');
        }
        power(&mut out, n, *e);
    }
    for (n, e) in exponents.iter().filter(|(_, e)| **e < 0) {
        out.push('/');
        power(&mut out, n, -*e);
    }
    out
}

/// A dimension: exponents over base units.
pub type Dimension = BTreeMap<String, i32>;

/// A declared unit.
#[derive(Clone, Debug)]
pub struct UnitInfo {
    pub name: String,
    /// How many base units one of this unit is (`万人` = 10000).
    pub scale: f64,
    pub dimension: Dimension,
    pub description: Option<String>,
    /// `None` for the built-in `%`.
    pub span: Option<Span>,
}

/// The units known to a rule set: the declared ones plus the built-in `%`.
#[derive(Clone, Debug)]
pub struct UnitTable {
    units: HashMap<String, UnitInfo>,
}

/// The percent sign is built in: percentages are numbers 0..100.
pub const PERCENT: &str = "%";

impl Default for UnitTable {
    fn default() -> Self {
        let percent = UnitInfo {
            name: PERCENT.to_string(),
            scale: 0.01,
            dimension: Dimension::new(),
            description: Some("percent".to_string()),
            span: None,
        };
        UnitTable { units: HashMap::from([(PERCENT.to_string(), percent)]) }
    }
}

impl UnitTable {
    pub fn get(&self, name: &str) -> Option<&UnitInfo> {
        self.units.get(name)
    }

    pub fn insert(&mut self, info: UnitInfo) {
        self.units.insert(info.name.clone(), info);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.units.keys().map(String::as_str)
    }

    /// The dimension of a unit made of declared names (unknown names count as their own base).
    pub fn dimension(&self, unit: &Unit) -> Dimension {
        let mut out = Dimension::new();
        for (name, exp) in unit.factors() {
            match self.units.get(name) {
                Some(info) => {
                    for (base, e) in &info.dimension {
                        *out.entry(base.clone()).or_insert(0) += e * exp;
                    }
                }
                None => *out.entry(name.to_string()).or_insert(0) += exp,
            }
        }
        out.retain(|_, e| *e != 0);
        out
    }

    /// Whether two units may be compared or added: the same unit, or a plain number (from a
    /// ratio of like quantities) against a dimensionless unit such as `%`.
    pub fn compatible(&self, a: &Unit, b: &Unit) -> bool {
        a == b || (a.is_one() && self.dimension(b).is_empty()) || (b.is_one() && self.dimension(a).is_empty())
    }

    /// Whether a formula computing `computed` may be declared as `declared`.
    pub fn same_dimension(&self, declared: &Unit, computed: &Unit) -> bool {
        self.dimension(declared) == self.dimension(computed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> UnitTable {
        let mut t = UnitTable::default();
        let base = |n: &str| UnitInfo {
            name: n.into(),
            scale: 1.0,
            dimension: Dimension::from([(n.to_string(), 1)]),
            description: None,
            span: None,
        };
        t.insert(base("人"));
        t.insert(UnitInfo { name: "万人".into(), scale: 1e4, ..base("人") });
        t
    }

    #[test]
    fn ratios_of_like_units_cancel() {
        let persons = Unit::named("人");
        assert!(persons.div(&persons).is_one());
        assert_eq!(persons.div(&Unit::named("万人")).to_string(), "人/万人");
    }

    #[test]
    fn percent_and_persons_per_ten_thousand_do_not_mix() {
        let t = table();
        let per_10k = Unit::named("人").div(&Unit::named("万人"));
        assert!(!t.compatible(&Unit::named(PERCENT), &per_10k));
        assert!(t.compatible(&Unit::one(), &Unit::named(PERCENT)));
        assert!(t.same_dimension(&per_10k, &Unit::one()));
    }
}
