//! `docs/cli.md`: every command, argument, default and possible value, rendered from
//! the clap definitions in [`crate::cli`], so the reference cannot drift from what the
//! binary accepts. A test fails when the committed file is stale (regenerate with
//! `UPDATE_DOCS=1 cargo test -p rampart --bin rampart`).

use std::fmt::Write as _;

use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;

/// The whole reference as Markdown.
pub fn render() -> String {
    let mut out = String::from(
        "# rampart command-line reference\n\n\
         Generated from the argument definitions by `cargo test -p rampart --bin rampart` \
         (`UPDATE_DOCS=1` rewrites it); do not edit by hand.\n\n\
         Exit status, for every command: 0 nothing at or above the threshold, 1 findings \
         or a failed check, 2 usage, I/O or internal error.\n",
    );
    let mut cli = Cli::command();
    cli.build();
    command(&mut out, &cli, "rampart");
    out
}

fn command(out: &mut String, cmd: &Command, path: &str) {
    let depth = path.split(' ').count();
    let level = "#".repeat((depth + 1).min(6));
    let _ = writeln!(out, "\n{level} `{path}`\n");
    if let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) {
        let _ = writeln!(out, "{about}\n");
    }
    let usage = cmd
        .clone()
        .bin_name(path)
        .render_usage()
        .to_string()
        .replace("Usage: ", "");
    let _ = writeln!(out, "```\n{usage}\n```");
    let args: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && a.get_id() != "help" && a.get_id() != "version")
        .collect();
    if !args.is_empty() {
        out.push_str("\n| argument | | description |\n|---|---|---|\n");
        for a in args {
            let _ = writeln!(out, "| {} | {} | {} |", name(a), detail(a), help(a));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        command(out, sub, &format!("{path} {}", sub.get_name()));
    }
}

fn name(a: &Arg) -> String {
    let value = a
        .get_value_names()
        .map(|v| {
            v.iter()
                .map(|n| format!("<{n}>"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| format!("<{}>", a.get_id().as_str().to_uppercase()));
    let takes_value = a.get_num_args().is_some_and(|n| n.takes_values());
    match (a.get_long(), a.get_short()) {
        (Some(l), Some(s)) if takes_value => format!("`-{s}`, `--{l} {value}`"),
        (Some(l), Some(s)) => format!("`-{s}`, `--{l}`"),
        (Some(l), None) if takes_value => format!("`--{l} {value}`"),
        (Some(l), None) => format!("`--{l}`"),
        (None, Some(s)) => format!("`-{s}`"),
        (None, None) => format!("`{value}`"),
    }
}

fn detail(a: &Arg) -> String {
    let mut parts = Vec::new();
    if a.is_required_set() {
        parts.push("required".to_string());
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let takes_value = a.get_num_args().is_some_and(|n| n.takes_values());
    if !defaults.is_empty() && takes_value {
        parts.push(format!("default `{}`", defaults.join(" ")));
    }
    if let Some(env) = a.get_env() {
        parts.push(format!("env `{}`", env.to_string_lossy()));
    }
    if a.is_global_set() {
        parts.push("global".to_string());
    }
    parts.join(", ")
}

fn help(a: &Arg) -> String {
    let mut text = a
        .get_long_help()
        .or_else(|| a.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(h) => format!("`{}` ({h})", v.get_name()),
            None => format!("`{}`", v.get_name()),
        })
        .collect();
    if !values.is_empty() && a.get_num_args().is_some_and(|n| n.takes_values()) {
        if !text.is_empty() && !text.ends_with('.') {
            text.push('.');
        }
        let _ = write!(text, " Values: {}.", values.join(", "));
    }
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The committed docs/cli.md is what the definitions render.
    #[test]
    fn committed_cli_reference_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md");
        let checked = rampart_core::generated::check(
            &path,
            &super::render(),
            "UPDATE_DOCS",
            "UPDATE_DOCS=1 cargo test -p rampart --bin rampart",
        );
        assert_eq!(checked, Ok(()));
    }

    /// What the help tells users to read or run exists: every `docs/…` path it names is
    /// in the repository, and every `rampart …` command it names is a real command.
    #[test]
    fn help_names_only_real_files_and_commands() {
        let text = super::render();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut docs = 0;
        for (i, _) in text.match_indices("docs/") {
            let path: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "/._-".contains(*c))
                .collect();
            let path = path.trim_end_matches('.');
            assert!(
                root.join(path).exists(),
                "help names {path}, which does not exist"
            );
            docs += 1;
        }
        assert!(docs > 0);
        let cli = <crate::cli::Cli as clap::CommandFactory>::command();
        for (i, _) in text.match_indices("`rampart ") {
            let words: Vec<&str> = text[i + 1..]
                .split('`')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .skip(1)
                .take_while(|w| !w.starts_with('-') && !w.starts_with('<') && !w.contains('.'))
                .collect();
            let mut cmd = &cli;
            for w in &words {
                match cmd.find_subcommand(w) {
                    Some(sub) => cmd = sub,
                    None => {
                        // an argument of the last command, not a command
                        assert!(
                            cmd.get_positionals().next().is_some()
                                || cmd.get_subcommands().next().is_none(),
                            "help names `rampart {}`, which is not a command",
                            words.join(" ")
                        );
                        break;
                    }
                }
            }
        }
    }

    /// Every subcommand and every long option is in the reference.
    #[test]
    fn every_command_and_option_is_documented() {
        use clap::CommandFactory;
        fn walk(cmd: &clap::Command, path: &str, text: &str) {
            assert!(text.contains(&format!("`{path}`")), "{path} missing");
            for a in cmd.get_arguments() {
                if let Some(l) = a.get_long() {
                    if l != "help" && l != "version" && !a.is_hide_set() {
                        assert!(text.contains(&format!("`--{l}")), "{path} --{l} missing");
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_name() != "help" {
                    walk(sub, &format!("{path} {}", sub.get_name()), text);
                }
            }
        }
        let text = super::render();
        walk(&crate::cli::Cli::command(), "rampart", &text);
    }
}
