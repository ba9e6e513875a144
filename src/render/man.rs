//! What clap_mangen's pages lack: a SYNOPSIS that names each option's value, possible values one
//! to a line without a blank line between them, and no page for `help`, which is not generated.

use clap::{Arg, ArgAction};

/// The command tree as the man pages show it: without the `help` subcommands, which have no page.
pub fn without_help_subcommands(command: clap::Command) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    let mut command = command.disable_help_subcommand(true);
    for name in names {
        command = command.mut_subcommand(&name, without_help_subcommands);
    }
    command
}

/// Replaces the page's `.SH SYNOPSIS` section with one for `command`, called `name` (the words
/// typed: `jwtctl verify`).
pub fn with_synopsis(page: &str, command: &clap::Command, name: &str) -> String {
    let Some(start) = page.find(".SH SYNOPSIS\n") else {
        return page.to_owned();
    };
    let body = start + ".SH SYNOPSIS\n".len();
    let end = page[body..]
        .find("\n.SH ")
        .map_or(page.len(), |offset| body + offset + 1);
    // Not hyphenated and not justified: option names and values must read as typed.
    format!(
        "{}.SH SYNOPSIS\n.nh\n.ad l\n{}.ad\n.hy\n{}",
        &page[..start],
        synopsis(command, name),
        &page[end..]
    )
}

/// The synopsis, as roff: the name, the options with their values (`[--alg ALG]...`), a required
/// choice as `(--user SUB | --all)`, the positional arguments, then the subcommand.
pub fn synopsis(command: &clap::Command, name: &str) -> String {
    // Built, so that groups know the arguments that name them (`group = "target"`).
    let mut built = command.clone();
    built.build();
    let command = &built;
    let mut words = vec![format!("\\fB{}\\fR", escape(name))];
    let required_groups: Vec<Vec<&Arg>> = command
        .get_groups()
        .filter(|group| group.is_required_set())
        .map(|group| {
            let ids: Vec<&clap::Id> = group.get_args().collect();
            command
                .get_arguments()
                .filter(|arg| ids.contains(&arg.get_id()))
                .collect::<Vec<_>>()
        })
        .filter(|members| !members.is_empty())
        .collect();
    let in_group = |arg: &Arg| {
        required_groups
            .iter()
            .flatten()
            .any(|member| member.get_id() == arg.get_id())
    };
    for arg in command.get_arguments() {
        let id = arg.get_id().as_str();
        if arg.is_hide_set()
            || arg.is_positional()
            || in_group(arg)
            || id == "help"
            || id == "version"
        {
            continue;
        }
        let option = option(arg);
        let repeat = if matches!(arg.get_action(), ArgAction::Append | ArgAction::Count) {
            "..."
        } else {
            ""
        };
        if arg.is_required_set() {
            words.push(format!("{option}{repeat}"));
        } else {
            words.push(format!("[{option}]{repeat}"));
        }
    }
    for members in &required_groups {
        let choices: Vec<String> = members.iter().map(|arg| option(arg)).collect();
        words.push(format!("({})", choices.join(" | ")));
    }
    for arg in command.get_positionals().filter(|arg| !arg.is_hide_set()) {
        let value = format!("\\fI{}\\fR", escape(&value_name(arg)));
        words.push(if arg.is_required_set() {
            value
        } else {
            format!("[{value}]")
        });
    }
    if command.has_subcommands() {
        let value = "\\fICOMMAND\\fR".to_owned();
        words.push(if command.is_subcommand_required_set() {
            value
        } else {
            format!("[{value}]")
        });
    }
    format!("{}\n", words.join(" "))
}

/// `\fB--alg\fR \fIALG\fR`, `\fB-q\fR|\fB--quiet\fR`.
fn option(arg: &Arg) -> String {
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("\\fB\\-{}\\fR", escape(&short.to_string())));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("\\fB\\-\\-{}\\fR", escape(long)));
    }
    let mut option = names.join("|");
    if arg.get_action().takes_values() {
        // An unpaddable space: the value never lands on the next line without its option.
        option.push_str(&format!("\\ \\fI{}\\fR", escape(&value_name(arg))));
    }
    option
}

fn value_name(arg: &Arg) -> String {
    match arg.get_value_names() {
        Some(names) if !names.is_empty() => names
            .iter()
            .map(|name| name.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => arg.get_id().as_str().to_uppercase(),
    }
}

/// Roff needs `-` as `\-` (a minus that copies as a hyphen-minus) and a backslash doubled.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('-', "\\-")
}

/// clap_mangen lists possible values as indented paragraphs, which man separates with a blank
/// line each: twelve algorithms took two screens. `.PD 0` sets the paragraph spacing to nothing
/// inside each such list.
pub fn compact_value_lists(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut in_list = false;
    for line in page.split_inclusive('\n') {
        if line.starts_with(".RS ") {
            in_list = true;
            out.push_str(line);
            out.push_str(".PD 0\n");
            continue;
        }
        if in_list && line.starts_with(".RE") {
            in_list = false;
            out.push_str(".PD\n");
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synopsis_names_values_choices_and_repeats() {
        let command = clap::Command::new("verify")
            .arg(
                Arg::new("alg")
                    .long("alg")
                    .value_name("ALG")
                    .action(ArgAction::Append),
            )
            .arg(
                Arg::new("quiet")
                    .short('q')
                    .long("quiet")
                    .action(ArgAction::SetTrue),
            )
            .arg(Arg::new("threads").long("threads").hide(true))
            .arg(Arg::new("user").long("user").value_name("SUB"))
            .arg(Arg::new("all").long("all").action(ArgAction::SetTrue))
            .group(
                clap::ArgGroup::new("who")
                    .args(["user", "all"])
                    .required(true),
            )
            .arg(Arg::new("token").value_name("TOKEN"));
        assert_eq!(
            synopsis(&command, "jwtctl verify"),
            "\\fBjwtctl verify\\fR [\\fB\\-\\-alg\\fR\\ \\fIALG\\fR]... [\\fB\\-q\\fR|\\fB\\-\\-quiet\\fR] \
             (\\fB\\-\\-user\\fR\\ \\fISUB\\fR | \\fB\\-\\-all\\fR) [\\fITOKEN\\fR]\n"
        );
    }

    #[test]
    fn value_lists_get_no_blank_lines() {
        let page = ".TP\n--alg\n.RS 14\n.IP \\(bu 2\nHS256\n.IP \\(bu 2\nHS384\n.RE\n.TP\n";
        assert_eq!(
            compact_value_lists(page),
            ".TP\n--alg\n.RS 14\n.PD 0\n.IP \\(bu 2\nHS256\n.IP \\(bu 2\nHS384\n.PD\n.RE\n.TP\n"
        );
    }
}
