//! The `plancheck` command: parses arguments and hands over to [`plancheck::cli`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plancheck::cli;
use plancheck::diagnostics::Lang;

/// A faster allocator than the system one for the many small values of submissions and reports.
/// Version 2 of mimalloc: version 3 held 6.3 GB after loading 100× Tianjin where version 2 (and
/// the system allocator) hold 3.6 GB, at the same speed (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "plancheck", version, about = "Check district submissions against the rules of a government plan")]
struct Args {
    /// Language of user-facing text
    #[arg(long, value_enum, global = true, default_value = "zh")]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check district submissions (files, or directories holding them) against the rules
    Check {
        /// Submission files (JSON, YAML) or directories (of files, or of CSV tables)
        #[arg(required = true)]
        submissions: Vec<PathBuf>,
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// The report: human (terminal), json (cli.md version 2), sarif, junit, markdown, html
        #[arg(long, value_enum, default_value = "human")]
        format: cli::check::CheckFormat,
        /// Judge as of this date, YYYY-MM-DD (default: each submission's `as_of`)
        #[arg(long)]
        as_of: Option<String>,
        /// A rule parameter, `NAME=VALUE` or `RULE.NAME=VALUE`, in the parameter's unit (repeatable)
        #[arg(long = "param")]
        params: Vec<String>,
        /// Count `behind` and `unknown` as failures
        #[arg(long)]
        strict: bool,
        /// Only rules whose id matches (`*` wildcard; repeatable, or several separated by commas)
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Report only these districts, by code or name (repeatable, or separated by commas); the
        /// city rules are still judged on all submissions
        #[arg(long = "district", value_delimiter = ',')]
        districts: Vec<String>,
        /// Which verdicts carry their derivation (JSON): those that are not a pass, all, or none
        #[arg(long, value_enum, default_value = "failing")]
        trace: cli::check::TraceLevel,
        /// Write the report to this file instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Parse the rules, read and judge on this many threads (default: one per core)
        #[arg(long, value_parser = cli::check::parse_threads)]
        threads: Option<u32>,
        #[command(flatten)]
        reading: Reading,
    },
    /// Explain one rule's verdicts: the derivation, inputs with their places, threshold,
    /// deadline, plan clause and departments
    Explain {
        /// The rule id, e.g. `police.community_officer_share`
        rule: String,
        /// Only the subject with this code (or name)
        #[arg(long)]
        subject: Option<String>,
        /// Submission files (JSON, YAML) or directories (of files, or of CSV tables)
        #[arg(required = true)]
        submissions: Vec<PathBuf>,
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Judge as of this date, YYYY-MM-DD (default: each submission's `as_of`)
        #[arg(long)]
        as_of: Option<String>,
        /// A rule parameter, `NAME=VALUE` or `RULE.NAME=VALUE`, in the parameter's unit (repeatable)
        #[arg(long = "param")]
        params: Vec<String>,
        /// Write the explanation to this file instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Rewrite one submission as JSON, YAML or a directory of CSV tables
    Convert {
        /// The submission to read
        input: PathBuf,
        /// The format to write
        #[arg(long, value_enum)]
        to: cli::convert::Target,
        /// The file (or, for CSV, the directory) to write
        #[arg(short, long)]
        output: PathBuf,
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
        #[command(flatten)]
        reading: Reading,
    },
    /// Write seeded synthetic district submissions (examples, benchmarks)
    Gen {
        /// Seed of the random choices: the same seed writes the same submissions
        #[arg(long, default_value_t = 2025)]
        seed: u64,
        /// District codes, comma-separated (default: all 16 of Tianjin)
        #[arg(long, value_delimiter = ',')]
        districts: Vec<String>,
        /// Units relative to Tianjin (100 ≈ 500,000 communities and villages)
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// The reporting year the submissions are for
        #[arg(long, default_value_t = 2025)]
        year: i32,
        /// Share of units made to fail a rule
        #[arg(long, default_value_t = 0.1)]
        failure_rate: f64,
        /// Districts to write as YAML, comma-separated codes
        #[arg(long, value_delimiter = ',')]
        yaml: Vec<String>,
        /// Districts to write as directories of CSV tables, comma-separated codes
        #[arg(long, value_delimiter = ',')]
        csv: Vec<String>,
        /// The directory to write the submissions into
        #[arg(short, long)]
        output: PathBuf,
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Check the rules themselves: syntax, names, types, units, departments, citations, cycles
    Lint {
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Run the tests written next to the rules
    Test {
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Only the tests of rules whose id matches (`*` matches any text; comma-separated)
        #[arg(long, alias = "filter", value_delimiter = ',')]
        only: Vec<String>,
        /// List the tests (file:line and name) instead of running them
        #[arg(long)]
        list: bool,
    },
    /// Write the rule catalog for policy staff, the department matrix and the plan coverage
    Doc {
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// The directory to write into
        #[arg(short, long, default_value = "docs/catalog")]
        output: PathBuf,
    },
    /// Print the rule graph: inputs → derived values → rules → departments
    Graph {
        /// A `.rules` file or a directory of them (default: `rules/` here, else the shipped rules)
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "dot")]
        format: cli::graph::GraphFormat,
        /// Only the part one rule stands on: the fields and metrics it reads, and its departments
        #[arg(long)]
        rule: Option<String>,
        /// Write to this file instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Format rule files canonically, keeping every comment
    Fmt {
        /// Only report files that are not formatted (exit 1), change nothing
        #[arg(long)]
        check: bool,
        /// Write the keywords in Chinese (`规则`, `适用于`…) or English (default: as each file has them)
        #[arg(long)]
        keywords: Option<plancheck::syntax::keywords::Keywords>,
        /// Files or directories (default: the shipped `rules/`)
        files: Vec<PathBuf>,
    },
    /// Serve an editor over standard input and output (the Language Server Protocol):
    /// diagnostics as you type, hover, go to definition, formatting
    Lsp,
}

/// How submission files are read.
#[derive(clap::Args)]
struct Reading {
    /// Text encoding of CSV and other submission files
    #[arg(long, value_enum, default_value = "auto")]
    encoding: plancheck::data::text::TextEncoding,
    /// Largest submission file read, in bytes
    #[arg(long, default_value_t = plancheck::data::Limits::default().max_file_bytes)]
    max_file_bytes: u64,
    /// Deepest nesting of lists and records in a submission (at most 1000)
    #[arg(long, default_value_t = plancheck::data::Limits::default().max_depth, value_parser = cli::check::parse_depth)]
    max_depth: usize,
}

impl Reading {
    fn options(&self) -> plancheck::data::Options {
        let limits = plancheck::data::Limits {
            max_file_bytes: self.max_file_bytes,
            max_depth: self.max_depth,
            ..Default::default()
        };
        plancheck::data::Options { limits, encoding: self.encoding }
    }
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let args = match Args::try_parse_from(&raw) {
        Ok(args) => args,
        Err(e) => return ExitCode::from(cli::usage::refused(&e, &raw)),
    };
    if !matches!(args.command, Command::Lsp) {
        plancheck::allocator::keep_until_exit();
    }
    let lang = args.lang;
    let code = match args.command {
        Command::Check {
            submissions,
            rules,
            format,
            as_of,
            params,
            strict,
            only,
            districts,
            trace,
            output,
            threads,
            reading,
        } => {
            let options = reading.options();
            let rules = cli::rules_path(rules);
            let check = cli::check::CheckArgs {
                rules,
                submissions,
                options,
                lang,
                format,
                as_of,
                params,
                strict,
                only: cli::listed(only),
                districts: cli::listed(districts),
                trace,
                output,
                threads: threads.map(|n| n as usize),
            };
            cli::check::run(&check)
        }
        Command::Explain { rule, subject, submissions, rules, as_of, params, output } => {
            let check = cli::check::CheckArgs {
                rules: cli::rules_path(rules),
                submissions,
                options: plancheck::data::Options::default(),
                lang,
                format: cli::check::CheckFormat::Human,
                as_of,
                params,
                strict: false,
                // `explain` selects its rule itself, with its own message for a rule not there.
                only: Vec::new(),
                districts: Vec::new(),
                trace: cli::check::TraceLevel::All,
                output,
                threads: None,
            };
            cli::explain::run(&check, &rule, subject.as_deref())
        }
        Command::Convert { input, to, output, rules, reading } => {
            let options = reading.options();
            cli::convert::run(&cli::rules_path(rules), &input, to, &output, &options, lang)
        }
        Command::Gen { seed, districts, scale, year, failure_rate, yaml, csv, output, rules } => {
            use plancheck::generate::{GenOptions, OutputFormat};
            let formats = yaml
                .into_iter()
                .map(|c| (c, OutputFormat::Yaml))
                .chain(csv.into_iter().map(|c| (c, OutputFormat::Csv)))
                .collect();
            let options = GenOptions { seed, districts, scale, year, out: output, formats, failure_rate };
            cli::generate::run(&cli::rules_path(rules), &options, lang)
        }
        Command::Doc { rules, output } => cli::doc::run(&cli::rules_path(rules), &output, lang),
        Command::Test { rules, only, list } => cli::test::run(&cli::rules_path(rules), &cli::listed(only), list, lang),
        Command::Lint { rules } => cli::lint::run(&cli::rules_path(rules), lang),
        Command::Graph { rules, format, rule, output } => {
            cli::graph::run(&cli::rules_path(rules), format, rule.as_deref(), output.as_deref(), lang)
        }
        Command::Fmt { check, keywords, files } => cli::fmt::run(&files, check, keywords, lang),
        Command::Lsp => cli::lsp::run(lang),
    };
    ExitCode::from(code)
}
