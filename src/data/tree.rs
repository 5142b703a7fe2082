//! The untyped value tree every loader produces: JSON, YAML and CSV all become [`Node`]s, each
//! with the span of the text it came from, before the schema gives them meaning.

use crate::source::Span;

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number as written (JSON/YAML number syntax), parsed exactly later.
    Number(String),
    Text(String),
    List(Vec<Node>),
    Map(Vec<Entry>),
}

/// One key of a map, with the span of the key itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Value {
    /// How the value is called in messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::Text(_) => "text",
            Value::List(_) => "list",
            Value::Map(_) => "record",
        }
    }
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// Structural equality that ignores spans and treats number spellings by value
    /// (`1.0` and `1`), for comparing the same data read from different formats.
    pub fn same_data(&self, other: &Node) -> bool {
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
