//! The limit for `plancheck check`: read the same submission files and parse each with
//! serde_json into untyped values, nothing more. `docs/benchmarks.md` compares with it.
//!
//! `cargo run --release --example parse_only -- FILE...` prints the files, bytes and seconds.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut bytes = 0usize;
    let mut values = 0usize;
    let files: Vec<String> = std::env::args().skip(1).collect();
    for path in &files {
        let text = std::fs::read(path)?;
        bytes += text.len();
        let value: serde_json::Value = serde_json::from_slice(&text)?;
        values += usize::from(!value.is_null());
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("{{\"files\": {}, \"documents\": {values}, \"bytes\": {bytes}, \"seconds\": {seconds:.3}}}", files.len());
    Ok(())
}
