use clap::Parser;
use playbook::cli::{self, Cli, Session};
use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: what was wrong.
            let text = format!("{e:#}");
            eprintln!("playbook: {}", text.trim());
            ExitCode::FAILURE
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
        let written = if out.ends_with('\n') { write!(stdout, "{out}") } else { writeln!(stdout, "{out}") };
        if let Err(e) = written {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e.into());
            }
        }
    }
    Ok(())
}
