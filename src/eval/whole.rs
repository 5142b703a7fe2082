//! The whole area of the plan (全市): when enough submissions of one reporting year are
//! checked together (`parts` in the plan header), an instance of the entity that holds the
//! list of submissions (`city`) is made over them, so that city-level rules can be judged.

use std::collections::BTreeMap;

use crate::check::model::{EntityId, Model, Ty};
use crate::data::instance::{Dataset, Instance, InstanceId, Scalar, Slot};
use crate::source::Span;

/// The entity of the whole and its list field of submissions, if the rules declare one.
pub fn whole_entity(model: &Model) -> Option<(EntityId, usize, EntityId)> {
    model.entities.iter().enumerate().filter(|(_, e)| !e.root).find_map(|(id, e)| {
        e.fields.iter().enumerate().find_map(|(f, field)| match &field.ty {
            Ty::List(inner) => match **inner {
                Ty::Record(r) if model.entities[r].root => Some((id, f, r)),
                _ => None,
            },
            _ => None,
        })
    })
}

/// The reporting year of a submission (its `reporting_year` field), if it has one.
pub fn reporting_year(model: &Model, dataset: &Dataset, root: InstanceId) -> Option<i64> {
    let inst = dataset.get(root);
    let f = model.entities[inst.entity].reporting_year?;
    match &inst.slots[f] {
        Slot::Scalar(Scalar::Number(n), _) => n.trunc().try_into().ok(),
        _ => None,
    }
}

/// Adds one whole per reporting year that has at least `parts` submissions; returns them.
pub fn add_wholes(model: &Model, dataset: &mut Dataset) -> Vec<InstanceId> {
    let Some((whole, list_field, part_entity)) = whole_entity(model) else { return Vec::new() };
    let needed = model.plan.as_ref().and_then(|p| p.parts).unwrap_or(2);
    let mut by_year: BTreeMap<Option<i64>, Vec<InstanceId>> = BTreeMap::new();
    let mut others: BTreeMap<(EntityId, Option<i64>), InstanceId> = BTreeMap::new();
    for doc in &dataset.documents {
        let entity = dataset.get(doc.root).entity;
        let year = reporting_year(model, dataset, doc.root);
        if entity == part_entity {
            by_year.entry(year).or_default().push(doc.root);
        } else {
            others.insert((entity, year), doc.root);
        }
    }
    let mut made = Vec::new();
    for (year, parts) in by_year.into_iter().filter(|(_, p)| p.len() >= needed) {
        let def = &model.entities[whole];
        let mut slots = vec![Slot::Missing; def.fields.len()];
        slots[list_field] = Slot::Records(parts.clone(), Span::default());
        // Other records of the whole: the document of that entity for the same year.
        for (f, field) in def.fields.iter().enumerate() {
            if let Ty::Record(e) = field.ty {
                slots[f] = match others.get(&(e, year)) {
                    Some(id) => Slot::Record(*id),
                    None if field.nullable => Slot::Null(Span::default()),
                    None => Slot::Missing,
                };
            }
        }
        let id = dataset.push(Instance { entity: whole, parent: None, span: Span::default(), slots });
        for part in parts {
            dataset.instances[part as usize].parent = Some(id);
        }
        made.push(id);
    }
    made
}
