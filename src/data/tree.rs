//! The untyped value tree every loader produces: JSON, YAML and CSV all become [`Node`]s, each
//! with the span of the text it came from, before the schema gives them meaning. The JSON
//! reader's keys, numbers and strings without escapes borrow the file's text (`Node<'t>`);
//! other loaders own theirs (`Node<'static>`).

use std::borrow::Cow;

use crate::source::Span;

/// A value with the span it was read from. Its text is borrowed from the file read where it
/// is there as it is (a JSON string without escapes, a number), else owned.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'t> {
    pub value: Value<'t>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'t> {
    Null,
    Bool(bool),
    /// A number as written (JSON/YAML number syntax), parsed exactly later.
    Number(Cow<'t, str>),
    Text(Cow<'t, str>),
    List(Vec<Node<'t>>),
    Map(Vec<Entry<'t>>),
}

/// One key of a map, with the span of the key itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<'t> {
    pub key: Cow<'t, str>,
    pub key_span: Span,
    pub value: Node<'t>,
}

/// The keys of one map as it is read, to find a key written twice: looked through while they
/// are few, found by hash once there are many, so that a record of 100,000 keys (unknown
/// fields, a hostile file) takes linear time, not quadratic.
#[derive(Default)]
pub struct Keys(Option<foldhash::HashMap<Box<str>, usize>>);

/// Up to how many keys a map's are looked through.
const FEW_KEYS: usize = 32;

impl Keys {
    /// Where `key` is among `entries` (the map's so far), if it is there; if not, `key` is
    /// noted as that of the entry to be added next.
    pub fn find(&mut self, entries: &[Entry<'_>], key: &str) -> Option<usize> {
        if self.0.is_none() && entries.len() < FEW_KEYS {
            return entries.iter().position(|e| e.key == key);
        }
        let index = self
            .0
            .get_or_insert_with(|| entries.iter().enumerate().map(|(i, e)| (Box::from(e.key.as_ref()), i)).collect());
        match index.get(key) {
            Some(&i) => Some(i),
            None => {
                index.insert(key.into(), entries.len());
                None
            }
        }
    }
}

impl Value<'_> {
    /// How the value is called in messages: a catalog reference (`@found.list`), or the JSON
    /// word (`null`).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "@found.bool",
            Value::Number(_) => "@found.number",
            Value::Text(_) => "@found.text",
            Value::List(_) => "@found.list",
            Value::Map(_) => "@found.record",
        }
    }
}

impl<'t> Node<'t> {
    pub fn new(value: Value<'t>, span: Span) -> Self {
        Node { value, span }
    }

    /// The same node holding its own text.
    pub fn into_owned(self) -> Node<'static> {
        let own = |text: Cow<'t, str>| Cow::Owned(text.into_owned());
        let value = match self.value {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(n) => Value::Number(own(n)),
            Value::Text(t) => Value::Text(own(t)),
            Value::List(items) => Value::List(items.into_iter().map(Node::into_owned).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|e| Entry { key: own(e.key), key_span: e.key_span, value: e.value.into_owned() })
                    .collect(),
            ),
        };
        Node { value, span: self.span }
    }

    /// Structural equality that ignores spans and treats number spellings by value
    /// (`1.0` and `1`), for comparing the same data read from different formats.
    pub fn same_data(&self, other: &Node<'_>) -> bool {
        match (&self.value, &other.value) {
            (Value::Number(a), Value::Number(b)) => {
                a == b || a.parse::<f64>().ok().zip(b.parse::<f64>().ok()).is_some_and(|(x, y)| x == y)
            }
            (Value::List(a), Value::List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_data(y)),
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len() && a.iter().all(|e| b.iter().any(|f| f.key == e.key && f.value.same_data(&e.value)))
            }
            (a, b) => a == b,
        }
    }
}

#[cfg(test)]
mod keys {
    use super::{Entry, Keys, Node, Value};
    use crate::source::{FileId, Span};

    #[test]
    fn a_key_written_again_is_found_among_few_keys_and_many() {
        let span = Span::new(FileId(0), 0, 0);
        for n in [3, 31, 32, 33, 1000] {
            let (mut keys, mut entries) = (Keys::default(), Vec::new());
            for i in 0..n {
                let key = format!("k{i}");
                assert_eq!(keys.find(&entries, &key), None, "{n}: {key}");
                entries.push(Entry { key: key.into(), key_span: span, value: Node::new(Value::Null, span) });
            }
            for i in [0, n / 2, n - 1] {
                assert_eq!(keys.find(&entries, &format!("k{i}")), Some(i), "{n}: k{i}");
            }
            assert_eq!(keys.find(&entries, "other"), None, "{n}");
        }
    }
}
