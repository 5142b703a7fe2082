//! plancheck: a government plan as checkable rules.
//!
//! The pipeline: `.rules` text is parsed by [`syntax`] into an AST with spans, then [`check`]
//! resolves names, types and units and builds the rule [`graph`]; every problem on the way
//! is a [`diagnostics::Diagnostic`] with a stable code. [`load`] reads a rule set from disk
//! and runs both; [`cli`] holds the commands.

pub mod allocator;
pub mod check;
pub mod cli;
pub mod data;
pub mod diagnostics;
pub mod engine;
pub mod eval;
pub mod fmt;
pub mod generate;
pub mod graph;
pub mod load;
pub mod lsp;
pub mod parallel;
pub mod report;
pub mod scan;
pub mod shipped;
pub mod source;
pub mod syntax;
