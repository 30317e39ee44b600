//! The one output layer every command prints through: whether to colour, how much to
//! say, and where status lines go. Reports go to stdout; status lines ("wrote …",
//! summaries) and progress bars go to stderr and are silenced by `--quiet`; errors
//! are printed by `main`, always.

use std::io::{self, IsTerminal, Write};

use crate::cli::{ColorChoice, OutputArgs};

/// How a command prints.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    color: bool,
    quiet: bool,
    verbose: bool,
}

impl Printer {
    /// From the global flags, the environment (`NO_COLOR`, `TERM=dumb`) and whether
    /// stdout is a terminal.
    pub fn new(args: &OutputArgs) -> Self {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
                    && io::stdout().is_terminal()
            }
        };
        Printer {
            color,
            quiet: args.quiet,
            verbose: args.verbose,
        }
    }

    /// Whether human output on stdout is coloured.
    pub fn color(&self) -> bool {
        self.color
    }

    /// `--quiet`.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// `--verbose`.
    pub fn verbose(&self) -> bool {
        self.verbose
    }

    /// Whether a progress bar may be drawn (stderr is a terminal, not `--quiet`).
    pub fn progress(&self) -> bool {
        !self.quiet && io::stderr().is_terminal()
    }

    /// A status line on stderr (`wrote …`, a summary), unless `--quiet`.
    pub fn note(&self, line: std::fmt::Arguments<'_>) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }
}
