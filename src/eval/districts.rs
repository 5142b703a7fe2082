//! `--district`: which subjects a report keeps when it is asked for some districts only. A
//! district is the topmost instance with a key of its own inside a submission (区 in the
//! shipped model); a subject belongs to the district above it, and a submission to the
//! district it holds. Subjects in no district — the city (全市) and its record — are always
//! kept: the city rules are judged on all submissions.

use crate::check::model::Model;
use crate::data::instance::{Dataset, InstanceId, Slot};

/// A district of the submissions: its instance, its code and its name (when it has one).
#[derive(Clone, Debug)]
pub struct District {
    pub id: InstanceId,
    pub code: String,
    pub name: Option<String>,
}

impl District {
    /// Whether `--district` text names this district: its code, or its name.
    pub fn named(&self, text: &str) -> bool {
        self.code == text || self.name.as_deref() == Some(text)
    }
}

/// The district `id` is in (itself, if it is one), or `None` for the city and its record.
pub fn district_of(model: &Model, dataset: &Dataset, id: InstanceId) -> Option<InstanceId> {
    let keyed = |i: InstanceId| model.entities[dataset.get(i).entity].key.is_some();
    let whole = |i: InstanceId| super::whole::is_whole(model, dataset, i);
    let (mut found, mut top) = (None, id);
    let mut at = Some(id).filter(|&i| !whole(i));
    while let Some(i) = at {
        if keyed(i) {
            found = Some(i);
        }
        top = i;
        at = dataset.get(i).parent.filter(|&p| !whole(p));
    }
    // A submission, and what it holds beside its district, belong to that district: the first
    // record with a key directly inside the submission.
    found.or_else(|| dataset.children(top).find(|&c| keyed(c)))
}

/// Every district of the submissions, in document order.
pub fn districts(model: &Model, dataset: &Dataset) -> Vec<District> {
    let text = |id: InstanceId, field: Option<usize>| match field.map(|f| &dataset.get(id).slots[f]) {
        Some(Slot::Scalar(s, _)) => Some(super::Val::from(s).to_string()),
        _ => None,
    };
    (0..dataset.instances.len() as InstanceId)
        .filter(|&id| district_of(model, dataset, id) == Some(id))
        .map(|id| {
            let def = &model.entities[dataset.get(id).entity];
            District { id, code: text(id, def.key).unwrap_or_default(), name: text(id, def.display) }
        })
        .collect()
}

/// Per instance, whether a report asked for the districts named in `wanted` (codes or names)
/// keeps it; `None` when every district is wanted.
pub fn selection(model: &Model, dataset: &Dataset, wanted: &[String]) -> Option<Vec<bool>> {
    if wanted.is_empty() {
        return None;
    }
    let chosen: Vec<InstanceId> =
        districts(model, dataset).into_iter().filter(|d| wanted.iter().any(|w| d.named(w))).map(|d| d.id).collect();
    let keep = (0..dataset.instances.len() as InstanceId)
        .map(|id| district_of(model, dataset, id).is_none_or(|d| chosen.contains(&d)))
        .collect();
    Some(keep)
}
