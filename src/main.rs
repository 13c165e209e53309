use clap::Parser;
use playbook::cli::{self, Cli, Session};
use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match Cli::try_parse() {
        Ok(args) => args,
        // clap echoes the bad argument: it is sanitised like everything else.
        Err(e) => {
            let text = e.render().to_string();
            if e.use_stderr() {
                // One line: clap's first paragraph, which names the argument and why.
                let first: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
                let first = first.join(" ");
                // The argument clap quotes back is cut short; its reason stays whole.
                let shortened: Vec<String> = first
                    .trim_start_matches("error: ")
                    .split('\'')
                    .enumerate()
                    .map(
                        |(i, piece)| {
                            if i % 2 == 1 {
                                playbook::text::fit(piece, 60).into_owned()
                            } else {
                                piece.to_string()
                            }
                        },
                    )
                    .collect();
                eprintln!("playbook: {} (see --help)", playbook::text::one_line(&shortened.join("'")));
            } else {
                print!("{}", playbook::text::clean(&text));
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let db = args.db.clone().or_else(cli::default_db_path);
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("playbook: {}", cli::error_line(&e, db.as_deref()));
            // A request that does not fit (an outcome for another channel)
            // is a usage error, like a bad argument.
            let usage = e.chain().any(|c| matches!(c.downcast_ref(), Some(playbook::engine::EngineError::Invalid(_))));
            if usage {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(mut args: Cli) -> anyhow::Result<()> {
    let session = Session::new(&args)?;
    let Some(command) = args.command.take() else {
        // The UI needs a terminal; piped, print the day's queue instead.
        if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
            return playbook::tui::run(&session);
        }
        return cli::morning(&session);
    };
    let out = cli::run(&session, command)?;
    if !out.is_empty() {
        // A closed pipe (`| head`) is not an error worth a message.
        let mut stdout = std::io::stdout().lock();
        // Output that ends its own last line (an iCalendar file) is written as is.
        // Nothing reaches the terminal unsanitised, whatever printed it.
        let out = playbook::text::clean(&out);
        let written = if out.ends_with('\n') { write!(stdout, "{out}") } else { writeln!(stdout, "{out}") };
        if let Err(e) = written {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e.into());
            }
        }
    }
    Ok(())
}
