//! The `plancheck` command: parses arguments and hands over to [`plancheck::cli`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plancheck::cli;
use plancheck::diagnostics::Lang;

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
    /// Check the rules themselves: syntax, names, types, units, departments, citations, cycles
    Lint {
        /// A `.rules` file or a directory of them (default: the shipped `rules/`)
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Print the rule graph: inputs → derived values → rules → departments
    Graph {
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "dot")]
        format: cli::graph::GraphFormat,
        /// Write to this file instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Format rule files canonically, keeping every comment
    Fmt {
        /// Only report files that are not formatted (exit 1), change nothing
        #[arg(long)]
        check: bool,
        /// Files or directories (default: the shipped `rules/`)
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let lang = args.lang;
    let code = match args.command {
        Command::Lint { rules } => cli::lint::run(&cli::rules_path(rules), lang),
        Command::Graph { rules, format, output } => {
            cli::graph::run(&cli::rules_path(rules), format, output.as_deref(), lang)
        }
        Command::Fmt { check, files } => cli::fmt::run(&files, check, lang),
    };
    ExitCode::from(code)
}
