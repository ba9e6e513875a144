//! `jwtctl completions` and `jwtctl man`: shell integration generated from the command tree.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory;
use clap_complete::{Generator, Shell};

use crate::cli::{self, Cli, CompletionsArgs, ManArgs};
use crate::exit::{Status, UsageError};
use crate::render;

/// Every shell `make completions` writes a script for.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The whole command tree with every subcommand's arguments in place before the root is built.
///
/// Subcommands are deferred (see `cli::Command`): their arguments are added when the one that
/// runs is built. The root's `help` subcommand copies the subcommands as they are when the root
/// is built, so completions made from a deferred tree would miss `jwtctl help sessions prune`.
pub fn full_command() -> clap::Command {
    use clap::Args;
    let mut command = Cli::command();
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| {
            // Replaces the deferred augmentation, which must not run a second time.
            let sub = sub.defer(|sub| sub);
            match name.as_str() {
                "gen-secret" => cli::GenSecretArgs::augment_args(sub),
                "issue" => cli::IssueArgs::augment_args(sub),
                "verify" => cli::VerifyArgs::augment_args(sub),
                "decode" => cli::DecodeArgs::augment_args(sub),
                "refresh" => cli::RefreshArgs::augment_args(sub),
                "revoke" => cli::RevokeArgs::augment_args(sub),
                "sessions" => cli::SessionsArgs::augment_args(sub),
                "gen-key" => cli::GenKeyArgs::augment_args(sub),
                "convert" => cli::ConvertArgs::augment_args(sub),
                "jwks" => cli::JwksArgs::augment_args(sub),
                "encrypt" => cli::EncryptArgs::augment_args(sub),
                "decrypt" => cli::DecryptArgs::augment_args(sub),
                "completions" => CompletionsArgs::augment_args(sub),
                "man" => ManArgs::augment_args(sub),
                // A subcommand missing here would lose its options in the scripts and pages;
                // `every_subcommand_gets_its_options` fails first.
                _ => sub,
            }
        });
    }
    command
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut command = without_hidden_options(&full_command());
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, "jwtctl", &mut buffer);
    buffer
}

/// `command` without its hidden options, which clap_complete would otherwise offer (`--threads`
/// is for benchmarks and tests; `JWTCTL_THREADS` is the documented way). clap cannot remove an
/// argument, so the tree is rebuilt with what completions use: names, descriptions, arguments,
/// groups and subcommands.
fn without_hidden_options(command: &clap::Command) -> clap::Command {
    let hidden: Vec<&clap::Id> = command
        .get_arguments()
        .filter(|arg| arg.is_hide_set())
        .map(clap::Arg::get_id)
        .collect();
    // The group clap derives for a flattened struct of hidden options goes with them.
    let groups = command
        .get_groups()
        .filter(|group| !group.get_args().any(|id| hidden.contains(&id)))
        .cloned();
    let mut copy = clap::Command::new(command.get_name().to_owned())
        .args(
            command
                .get_arguments()
                .filter(|arg| !arg.is_hide_set())
                .cloned(),
        )
        .groups(groups)
        .subcommands(command.get_subcommands().map(without_hidden_options))
        .hide(command.is_hide_set())
        .disable_help_subcommand(command.is_disable_help_subcommand_set())
        .disable_version_flag(command.is_disable_version_flag_set())
        .disable_help_flag(command.is_disable_help_flag_set())
        .args_conflicts_with_subcommands(command.is_args_conflicts_with_subcommands_set())
        .subcommand_required(command.is_subcommand_required_set())
        .propagate_version(command.is_propagate_version_set());
    if let Some(about) = command.get_about() {
        copy = copy.about(about.clone());
    }
    if let Some(version) = command.get_version() {
        copy = copy.version(version.to_owned());
    }
    copy
}

pub fn run(args: &CompletionsArgs, _ctx: &super::Context) -> anyhow::Result<Status> {
    match (&args.shell, &args.dir) {
        (Some(shell), _) => std::io::stdout()
            .write_all(&script(*shell))
            .context("cannot write to standard output")?,
        (None, Some(dir)) => {
            create_dir(dir)?;
            for shell in SHELLS {
                let name = shell.file_name("jwtctl");
                write(&dir.join(name), &script(shell))?;
            }
        }
        (None, None) => return Err(UsageError::new("name a shell, or --dir DIR").into()),
    }
    Ok(Status::Success)
}

pub fn man(args: &ManArgs, _ctx: &super::Context) -> anyhow::Result<Status> {
    create_dir(&args.dir)?;
    let root = render::man::without_help_subcommands(full_command());
    let mut pages = Vec::new();
    man_pages(&root, "jwtctl", &mut pages);
    for (words, command) in pages {
        let mut buffer = Vec::new();
        let file = words.replace(' ', "-");
        clap_mangen::Man::new(command.clone().name(&file))
            .source(format!("jwtctl {}", env!("CARGO_PKG_VERSION")))
            .render(&mut buffer)
            .context("cannot render a man page")?;
        let page = man_sections(&String::from_utf8_lossy(&buffer));
        let page = render::man::with_synopsis(&page, &command, &words);
        let page = render::man::compact_value_lists(&page);
        write(&args.dir.join(format!("{file}.1")), page.as_bytes())?;
    }
    Ok(Status::Success)
}

/// `command` and every subcommand under it, each with the words that run it (`jwtctl sessions
/// prune`): one page each, so that every page a SUBCOMMANDS section names exists.
fn man_pages(command: &clap::Command, words: &str, pages: &mut Vec<(String, clap::Command)>) {
    let page = if words == "jwtctl" {
        command.clone()
    } else {
        command.clone().version(env!("CARGO_PKG_VERSION"))
    };
    pages.push((words.to_owned(), page));
    for sub in command.get_subcommands() {
        man_pages(sub, &format!("{words} {}", sub.get_name()), pages);
    }
}

/// clap_mangen puts the text after `--help` under one `EXTRA` heading, where man fills the
/// example lines into a paragraph. Each `Heading:` paragraph of it becomes its own section
/// (`EXAMPLES`, `EXIT STATUS`, `ENVIRONMENT`) with its lines kept as they are.
fn man_sections(page: &str) -> String {
    let Some(start) = page.find(".SH EXTRA\n") else {
        return page.to_owned();
    };
    let body_start = start + ".SH EXTRA\n".len();
    let end = page[body_start..]
        .find("\n.SH ")
        .map_or(page.len(), |offset| body_start + offset + 1);
    let mut out = page[..start].to_owned();
    for paragraph in page[body_start..end].split("\n\n") {
        let paragraph = paragraph.trim_end_matches('\n');
        let (first, rest) = paragraph.split_once('\n').unwrap_or((paragraph, ""));
        match first.strip_suffix(':') {
            Some(heading) if !first.starts_with(' ') => {
                // "Exit status (the same for every command)" -> "EXIT STATUS"
                let heading = heading.split(" (").next().unwrap_or(heading);
                out.push_str(&format!(".SH \"{}\"\n.nf\n", heading.to_uppercase()));
                out.push_str(rest);
                out.push_str("\n.fi\n");
            }
            _ => {
                out.push_str(".PP\n");
                out.push_str(paragraph);
                out.push('\n');
            }
        }
    }
    out.push_str(&page[end..]);
    out
}

fn create_dir(dir: &Path) -> Result<(), UsageError> {
    std::fs::create_dir_all(dir)
        .map_err(|error| UsageError::new(format!("cannot create {}: {error}", dir.display())))
}

fn write(path: &Path, contents: &[u8]) -> Result<(), UsageError> {
    crate::files::replace_public(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_pages_have_examples_exit_status_and_environment_sections() {
        let dir = tempfile::tempdir().unwrap();
        let args = ManArgs {
            dir: dir.path().to_owned(),
        };
        let ctx = super::super::Context {
            output: crate::output::Output::new(crate::cli::ColorChoice::Never),
            now: 0,
        };
        man(&args, &ctx).unwrap();
        let root = std::fs::read_to_string(dir.path().join("jwtctl.1")).unwrap();
        let verify = std::fs::read_to_string(dir.path().join("jwtctl-verify.1")).unwrap();
        assert!(!root.contains(".SH EXTRA") && !verify.contains(".SH EXTRA"));
        for section in [
            ".SH \"EXAMPLES\"\n.nf\n",
            ".SH \"EXIT STATUS\"\n.nf\n  0  success",
        ] {
            assert!(root.contains(section), "{section:?} missing:\n{root}");
        }
        assert!(root.contains(".SH \"ENVIRONMENT\"\n.nf\n  JWTCTL_SECRET"));
        assert!(root.contains(".PP\nSecrets are read from files"));
        // The sections after it are still there.
        assert!(root.contains(".SH VERSION"));
        assert!(verify.contains(".SH \"EXAMPLES\"\n.nf\n  jwtctl verify \"$TOKEN\"\n"));
        assert!(verify.contains(".fi\n"));
    }

    #[test]
    fn every_subcommand_gets_its_options() {
        for sub in full_command().get_subcommands() {
            let options = sub
                .get_arguments()
                .filter(|arg| arg.get_long().is_some())
                .count();
            assert!(
                options > 0,
                "{} has no options in full_command",
                sub.get_name()
            );
        }
    }

    /// The committed scripts must match the command tree; `make completions` refreshes them.
    /// Every subcommand, as the runtime builds it, has the arguments `full_command` gives it.
    #[test]
    fn full_command_has_every_argument() {
        let mut deferred = Cli::command();
        deferred.build();
        let mut full = full_command();
        full.build();
        let shape = |command: &clap::Command| {
            command
                .get_subcommands()
                .map(|sub| {
                    let mut args: Vec<String> = sub
                        .get_arguments()
                        .map(|arg| arg.get_id().to_string())
                        .collect();
                    // Global options come first or last depending on when they were propagated.
                    args.sort();
                    let subs: Vec<String> = sub
                        .get_subcommands()
                        .map(|s| s.get_name().to_owned())
                        .collect();
                    (sub.get_name().to_owned(), args, subs)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(&full), shape(&deferred));
    }

    #[test]
    fn committed_completions_are_current() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        for shell in SHELLS {
            let path = dir.join(shell.file_name("jwtctl"));
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == script(shell),
                "{} is stale or missing: run `make completions` and commit the result",
                path.display()
            );
        }
    }
}
