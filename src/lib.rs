//! playbook: run account-based sales plays from the terminal.
//!
//! Layers, innermost first: `domain` (plain types), `play` (play files),
//! `cadence` (pure scheduling), `rank` (scoring), `store` (SQLite only
//! there), `engine` (user actions = cadence + store), `cli` (commands).

pub mod cadence;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod export;
pub mod files;
pub mod import;
pub mod limits;
pub mod play;
pub mod rank;
pub mod report;
pub mod store;
pub mod text;
pub mod tui;
