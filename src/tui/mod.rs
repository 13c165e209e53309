//! The terminal UI: an SDR's morning. `update` is pure, `view` only reads,
//! `app` runs the effects against the store.

pub mod app;
pub mod form;
pub mod handoff;
mod hangup;
pub mod keymap;
pub mod model;
pub mod update;
pub mod view;

use crate::cli::Session;
use anyhow::Result;
use keymap::Keymap;
use std::path::Path;

/// Where the user's key bindings live.
pub fn keys_path() -> Option<std::path::PathBuf> {
    directories::ProjectDirs::from("", "", "playbook").map(|d| d.config_dir().join("keys.toml"))
}

/// The user's keymap: the defaults with `keys.toml` merged on top.
pub fn load_keymap() -> Result<Keymap> {
    let Some(path) = keys_path() else { return Ok(Keymap::defaults()) };
    if !path.exists() {
        return Ok(Keymap::defaults());
    }
    let text = crate::files::read_text(&path, crate::limits::FILE_BYTES).map_err(anyhow::Error::msg)?;
    Keymap::with_user_file(&text).map_err(|e| anyhow::anyhow!("keys {}: {e}", path.display()))
}

/// Opens the UI on the session's store; a missing store gets the demo.
pub fn run(session: &Session) -> Result<()> {
    let keymap = load_keymap()?;
    let fresh = session.db.is_missing();
    let mut store = session.open_quietly()?;
    let engine = session.engine();
    let demo = fresh || store.is_empty()?;
    if demo {
        crate::demo::load_shipped(&mut store, &engine.policy, engine.now)?;
    }
    let mut app = app::App::new(store, session.config.clone(), session.clock, keymap)?;
    // Beside the database file; a team's server keeps it in the data directory.
    let file = session.db.file().map(Path::to_path_buf).or_else(crate::cli::default_db_path);
    app.log = file.as_deref().and_then(Path::parent).map(|d| d.join("playbook.log"));
    app.outside = app::Outside::System(handoff::Opener::from_env());
    app.model.demo_notice = demo;
    if demo {
        app.model.status = model::Status::Info("demo data - see README to import your own".into());
    }
    if let Some(warning) = session.exposure_warning() {
        app.model.status = model::Status::Error(warning);
    }
    app.run_loop()
}
