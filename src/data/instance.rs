//! Submissions bound to the schema: every record is an [`Instance`] of a declared entity, its
//! fields in declaration order, every value with its span. Instances live in one arena per
//! run ([`Dataset`]) and point to their parent, so rules can look up and down the hierarchy.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::check::model::EntityId;
use crate::source::{FileId, Span};

pub type InstanceId = u32;

/// A calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, accepting only days that exist.
    pub fn parse(text: &str) -> Option<Date> {
        if text.len() != 10 || !crate::check::valid_date(text) {
            return None;
        }
        Some(Date { year: text[..4].parse().ok()?, month: text[5..7].parse().ok()?, day: text[8..10].parse().ok()? })
    }

    /// The last day of a year.
    pub fn end_of_year(year: i32) -> Date {
        Date { year, month: 12, day: 31 }
    }

    /// Days since 0000-03-01 (for differences between dates).
    pub fn day_number(self) -> i64 {
        let (y, m) = if self.month <= 2 {
            (self.year as i64 - 1, self.month as i64 + 9)
        } else {
            (self.year as i64, self.month as i64 - 3)
        };
        365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) + (153 * m + 2) / 5 + self.day as i64 - 1
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A plain value of a field.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Number(Decimal),
    Bool(bool),
    Text(Arc<str>),
    Date(Date),
}

/// What a submission says about one field.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    /// Not given (only where a submission error was already reported, or in rule tests).
    Missing,
    /// Given as null: not applicable.
    Null(Span),
    Scalar(Scalar, Span),
    /// A list of plain values; `None` for a null element.
    Scalars(Vec<(Option<Scalar>, Span)>, Span),
    Record(InstanceId),
    Records(Vec<InstanceId>, Span),
}

impl Slot {
    pub fn span(&self) -> Option<Span> {
        match self {
            Slot::Missing | Slot::Record(_) => None,
            Slot::Null(s) | Slot::Scalar(_, s) | Slot::Scalars(_, s) | Slot::Records(_, s) => Some(*s),
        }
    }
}

/// One record of a submission.
#[derive(Clone, Debug)]
pub struct Instance {
    pub entity: EntityId,
    pub parent: Option<InstanceId>,
    pub span: Span,
    pub slots: Vec<Slot>,
}

/// One loaded file (or CSV directory): its root instance.
#[derive(Clone, Debug)]
pub struct Document {
    pub file: FileId,
    pub root: InstanceId,
}

/// Every instance of a run.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub instances: Vec<Instance>,
    pub documents: Vec<Document>,
    /// Each whole (全市) made over fewer parts than the plan has, with the indices (in the plan
    /// header's `part` list) of the parts it lacks; a whole of all its parts is not here.
    pub incomplete: Vec<(InstanceId, Vec<usize>)>,
    /// The reporting years of the submissions, each once, in order (noted by the engine when
    /// it loads them): with more than one, a subject's code alone does not name it.
    pub years: Vec<i64>,
}

impl Dataset {
    pub fn get(&self, id: InstanceId) -> &Instance {
        &self.instances[id as usize]
    }

    pub fn push(&mut self, instance: Instance) -> InstanceId {
        self.instances.push(instance);
        (self.instances.len() - 1) as InstanceId
    }

    /// Moves every instance and document of `other` to the end of this dataset, their ids
    /// shifted to their new places.
    pub fn append(&mut self, other: Dataset) {
        let shift = self.instances.len() as InstanceId;
        self.instances.extend(other.instances.into_iter().map(|mut inst| {
            inst.parent = inst.parent.map(|p| p + shift);
            for slot in &mut inst.slots {
                match slot {
                    Slot::Record(child) => *child += shift,
                    Slot::Records(list, _) => list.iter_mut().for_each(|child| *child += shift),
                    _ => {}
                }
            }
            inst
        }));
        self.documents.extend(other.documents.into_iter().map(|d| Document { file: d.file, root: d.root + shift }));
    }

    /// The ids of the instances of each of `entities` entities, in document order.
    pub fn by_entity(&self, entities: usize) -> Vec<Vec<InstanceId>> {
        let mut of = vec![Vec::new(); entities];
        for (i, inst) in self.instances.iter().enumerate() {
            of[inst.entity].push(i as InstanceId);
        }
        of
    }

    /// The ids of the instances directly below `id` (records and list elements).
    pub fn children(&self, id: InstanceId) -> impl Iterator<Item = InstanceId> + '_ {
        self.get(id).slots.iter().flat_map(|slot| match slot {
            Slot::Record(child) => std::slice::from_ref(child).iter().copied(),
            Slot::Records(list, _) => list.iter().copied(),
            _ => [].iter().copied(),
        })
    }

    /// The nearest enclosing instance of an entity (the instance itself included).
    pub fn ancestor(&self, mut id: InstanceId, entity: EntityId) -> Option<InstanceId> {
        loop {
            let inst = self.get(id);
            if inst.entity == entity {
                return Some(id);
            }
            id = inst.parent?;
        }
    }

    /// Every instance of `entity` below `id`, in document order; only instances for which
    /// `may_hold` says they may hold an instance of `entity` are searched below.
    pub fn descendants(
        &self,
        id: InstanceId,
        entity: EntityId,
        out: &mut Vec<InstanceId>,
        may_hold: &dyn Fn(EntityId) -> bool,
    ) {
        for child in self.children(id) {
            let child_entity = self.get(child).entity;
            if child_entity == entity {
                out.push(child);
            }
            if may_hold(child_entity) {
                self.descendants(child, entity, out, may_hold);
            }
        }
    }

    /// The file an instance was read from.
    pub fn file_of(&self, id: InstanceId) -> FileId {
        self.get(id).span.file
    }
}
