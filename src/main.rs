use clap::Parser;
use playbook::cli::{self, Cli, Session};
use std::io::IsTerminal;
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
        println!("{out}");
    }
    Ok(())
}
