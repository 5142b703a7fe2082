//! `plancheck gen`: seeded synthetic submissions for examples and benchmarks. The shape of the
//! data comes from the schema in the rules (every declared field gets a value of its type);
//! `tianjin.rs` gives the Tianjin districts and plausible, mutually consistent values to the
//! fields the rules read, with a share of units that fail them.

mod rng;
mod tianjin;

use std::path::{Path, PathBuf};

use crate::check::Checked;
use crate::check::model::{EntityId, Ty};
use crate::data::bind;
use crate::data::export;
use crate::data::instance::Dataset;
use crate::data::tree::{Entry, Node, Value};
use crate::source::Span;
pub use rng::Rng;

/// The file format of one generated submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Json,
    Yaml,
    Csv,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenOptions {
    pub seed: u64,
    /// District codes to generate (empty: all 16).
    pub districts: Vec<String>,
    /// Units per district relative to Tianjin's (1.0); above 16 districts' worth, more
    /// synthetic districts are added.
    pub scale: f64,
    pub year: i32,
    pub out: PathBuf,
    /// Formats by district code; others are JSON.
    pub formats: Vec<(String, OutputFormat)>,
    /// Share of units made to fail a rule (0..1).
    pub failure_rate: f64,
}

/// What was written.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub units: usize,
}

/// Generates the submissions and writes them under `options.out`.
pub fn generate(checked: &Checked, options: &GenOptions) -> std::io::Result<Summary> {
    std::fs::create_dir_all(&options.out)?;
    let mut summary = Summary::default();
    let plans = tianjin::districts(options);
    for plan in &plans {
        let mut rng = Rng::new(options.seed ^ plan.seed_salt());
        let tree = tianjin::submission(checked, plan, options, &mut rng);
        summary.units += plan.communities + plan.villages;
        let format = options.formats.iter().find(|(c, _)| *c == plan.code).map_or(OutputFormat::Json, |(_, f)| *f);
        let stem = format!("{}-{}", plan.code, plan.name);
        write(checked, &tree, format, &options.out.join(stem))?;
        summary.files += 1;
    }
    if options.districts.is_empty() {
        let mut rng = Rng::new(options.seed ^ 0xC17);
        let record = tianjin::city_record(checked, options.year, &mut rng);
        write(checked, &record, OutputFormat::Json, &options.out.join(format!("120000-city-record-{}", options.year)))?;
        summary.files += 1;
    }
    Ok(summary)
}

fn write(checked: &Checked, tree: &Node<'static>, format: OutputFormat, stem: &Path) -> std::io::Result<()> {
    let mut dataset = Dataset::default();
    let mut diagnostics = Vec::new();
    let Some(root) = bind::root_entity(&checked.model, tree) else {
        return Err(std::io::Error::other("the rules declare no root entity"));
    };
    let id = bind::bind(&checked.model, &mut dataset, tree, root, crate::data::Format::Json, &mut diagnostics);
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(std::io::Error::other(format!(
            "generated data does not fit the schema: {:?} {:?}",
            d.code, d.args
        )));
    }
    match format {
        OutputFormat::Json => std::fs::write(stem.with_extension("json"), export::to_json(checked, &dataset, id)),
        OutputFormat::Yaml => std::fs::write(stem.with_extension("yaml"), export::to_yaml(checked, &dataset, id)),
        OutputFormat::Csv => export::to_csv_dir(checked, &dataset, id, stem),
    }
}

/// Field values being assembled for one record; fields not given are filled from the schema.
#[derive(Default)]
pub struct Rec(Vec<(String, Value<'static>)>);

impl Rec {
    pub fn set(&mut self, field: &str, value: Value<'static>) -> &mut Self {
        self.0.retain(|(k, _)| k != field);
        self.0.push((field.to_string(), value));
        self
    }

    pub fn int(&mut self, field: &str, n: i64) -> &mut Self {
        self.set(field, Value::Number(n.max(0).to_string().into()))
    }

    pub fn dec(&mut self, field: &str, x: f64) -> &mut Self {
        self.set(field, Value::Number(format!("{:.1}", x.max(0.0)).into()))
    }

    pub fn flag(&mut self, field: &str, b: bool) -> &mut Self {
        self.set(field, Value::Bool(b))
    }

    pub fn text(&mut self, field: &str, t: impl Into<String>) -> &mut Self {
        self.set(field, Value::Text(t.into().into()))
    }

    pub fn null(&mut self, field: &str) -> &mut Self {
        self.set(field, Value::Null)
    }

    pub fn ints(&mut self, field: &str, values: &[i64]) -> &mut Self {
        let items = values.iter().map(|n| node(Value::Number(n.to_string().into()))).collect();
        self.set(field, Value::List(items))
    }

    pub fn records(&mut self, field: &str, items: Vec<Node<'static>>) -> &mut Self {
        self.set(field, Value::List(items))
    }

    pub fn record(&mut self, field: &str, item: Node<'static>) -> &mut Self {
        self.set(field, item.value)
    }

    fn take(&mut self, field: &str) -> Option<Value<'static>> {
        let i = self.0.iter().position(|(k, _)| k == field)?;
        Some(self.0.remove(i).1)
    }
}

fn node(value: Value<'static>) -> Node<'static> {
    Node::new(value, Span::default())
}

/// A record of `entity` in schema order: the given values, and a value of the right type
/// for every other field.
pub fn build(checked: &Checked, entity: &str, mut given: Rec, rng: &mut Rng) -> Node<'static> {
    let Some(id) = checked.model.entity(entity) else { return node(Value::Map(Vec::new())) };
    fill(checked, id, &mut given, rng)
}

fn fill(checked: &Checked, entity: EntityId, given: &mut Rec, rng: &mut Rng) -> Node<'static> {
    let def = &checked.model.entities[entity];
    let mut entries = Vec::with_capacity(def.fields.len());
    for field in &def.fields {
        let value = match given.take(&field.name) {
            Some(v) => v,
            None => filler(checked, &field.ty, rng),
        };
        entries.push(Entry { key: field.name.clone().into(), key_span: Span::default(), value: node(value) });
    }
    node(Value::Map(entries))
}

/// A plausible value of a type for a field the profile does not set.
fn filler(checked: &Checked, ty: &Ty, rng: &mut Rng) -> Value<'static> {
    match ty {
        Ty::Bool => Value::Bool(rng.chance(0.9)),
        Ty::Count(_) => Value::Number(rng.range(1, 12).to_string().into()),
        Ty::Decimal(_) => Value::Number(format!("{:.1}", rng.uniform(1.0, 100.0)).into()),
        Ty::Percent => Value::Number(format!("{:.1}", rng.uniform(30.0, 70.0)).into()),
        Ty::Date => Value::Text("2025-12-31".to_string().into()),
        Ty::Text => Value::Text("示例".to_string().into()),
        Ty::Code(size) => Value::Text("1".repeat(size.unwrap_or(6) as usize).into()),
        Ty::Enum(variants) => Value::Text(variants[rng.below(variants.len())].clone().into()),
        Ty::Record(e) => fill(checked, *e, &mut Rec::default(), rng).value,
        Ty::List(_) => Value::List(Vec::new()),
    }
}
