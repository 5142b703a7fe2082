//! The entity hierarchy declared in the rules: which entity contains which (through record
//! and list fields), which ancestors every subject of an entity is sure to have, and which
//! descendants it can aggregate over.

use std::collections::BTreeSet;

use super::model::{EntityId, FieldId, Model};

/// Containment facts derived once from the entity declarations.
#[derive(Debug, Default)]
pub struct Schema {
    /// For each entity: (field, child entity, is a list).
    pub children: Vec<Vec<(FieldId, EntityId, bool)>>,
    /// For each entity: the entities that contain it.
    pub parents: Vec<BTreeSet<EntityId>>,
    /// For each entity: the ancestors that every subject of it has.
    pub ancestors: Vec<BTreeSet<EntityId>>,
    /// For each entity: every entity below it.
    pub descendants: Vec<BTreeSet<EntityId>>,
}

impl Schema {
    /// Builds the facts; returns the entities on a containment cycle, if any.
    pub fn build(model: &Model) -> (Schema, Vec<EntityId>) {
        let n = model.entities.len();
        let mut schema = Schema {
            children: vec![Vec::new(); n],
            parents: vec![BTreeSet::new(); n],
            ancestors: vec![BTreeSet::new(); n],
            descendants: vec![BTreeSet::new(); n],
        };
        for (e, entity) in model.entities.iter().enumerate() {
            for (f, field) in entity.fields.iter().enumerate() {
                if let Some((child, list)) = field.ty.child_entity() {
                    schema.children[e].push((f, child, list));
                    schema.parents[child].insert(e);
                }
            }
        }
        for e in 0..n {
            let mut stack: Vec<EntityId> = schema.children[e].iter().map(|c| c.1).collect();
            while let Some(c) = stack.pop() {
                if schema.descendants[e].insert(c) {
                    stack.extend(schema.children[c].iter().map(|x| x.1));
                }
            }
        }
        let cyclic: Vec<EntityId> = (0..n).filter(|&e| schema.descendants[e].contains(&e)).collect();
        if cyclic.is_empty() {
            let mut done = vec![false; n];
            for e in 0..n {
                schema.fill_ancestors(e, &mut done);
            }
        }
        (schema, cyclic)
    }

    fn fill_ancestors(&mut self, e: EntityId, done: &mut [bool]) {
        if done[e] {
            return;
        }
        let parents: Vec<EntityId> = self.parents[e].iter().copied().collect();
        let mut common: Option<BTreeSet<EntityId>> = None;
        for p in parents {
            self.fill_ancestors(p, done);
            let mut line = self.ancestors[p].clone();
            line.insert(p);
            common = Some(match common {
                None => line,
                Some(c) => c.intersection(&line).copied().collect(),
            });
        }
        self.ancestors[e] = common.unwrap_or_default();
        done[e] = true;
    }

    pub fn is_ancestor(&self, ancestor: EntityId, of: EntityId) -> bool {
        self.ancestors[of].contains(&ancestor)
    }

    pub fn is_descendant(&self, descendant: EntityId, of: EntityId) -> bool {
        self.descendants[of].contains(&descendant)
    }
}
