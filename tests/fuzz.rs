//! Bounded random-input testing on stable Rust: a seeded mutator feeds
//! every parser and surface that takes outside input (CSV import, play
//! files, config, keys, durations / periods / times, the CLI's arguments,
//! the TUI's keys and prompts) and fails on any panic or hang.
//!
//! `cargo test` runs a short budget per target. `bench/fuzz.sh SECONDS` runs
//! long ones in release builds (`PLAYBOOK_FUZZ_SECONDS`, `PLAYBOOK_FUZZ_SEED`)
//! and keeps every input that crashed in `tests/fuzz_regressions/TARGET/`,
//! which every run replays first.

mod fuzzing;

use fuzzing::{Harness, Target};

#[test]
fn csv_import() {
    Harness::run(Target::CsvImport);
}

#[test]
fn play_files() {
    Harness::run(Target::PlayFile);
}

#[test]
fn config_files() {
    Harness::run(Target::Config);
}

#[test]
fn key_files() {
    Harness::run(Target::Keys);
}

#[test]
fn typed_values() {
    Harness::run(Target::Values);
}

#[test]
fn cli_arguments() {
    Harness::run(Target::Cli);
}

#[test]
fn tui_keys() {
    Harness::run(Target::TuiKeys);
}
