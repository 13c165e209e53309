//! Helpers shared by the CLI tests: a temp database and a pinned clock.

#![allow(dead_code, clippy::new_without_default)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

/// A Tuesday morning in Berlin.
pub const NOW: &str = "2026-11-24T09:30:00+01:00";

pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
    pub now: String,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("playbook.db");
        std::fs::write(dir.path().join("config.toml"), "").expect("config");
        Env { db, dir, now: NOW.to_string() }
    }

    pub fn demo() -> Env {
        let env = Env::new();
        env.ok(&["demo"]);
        env
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_db(&self.db, args)
    }

    /// A command on another database file than the env's own.
    pub fn cmd_db(&self, db: &std::path::Path, args: &[&str]) -> Command {
        self.cmd_full(db, &self.now, args)
    }

    /// A command at another instant than the env's own.
    pub fn cmd_at(&self, now: &str, args: &[&str]) -> Command {
        self.cmd_full(&self.db, now, args)
    }

    fn cmd_full(&self, db: &std::path::Path, now: &str, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("playbook").expect("binary");
        cmd.env_remove("PLAYBOOK_NOW")
            .env_remove("PLAYBOOK_DB")
            .env("PLAYBOOK_CONFIG", self.dir.path().join("config.toml"))
            .arg("--db")
            .arg(db)
            .arg("--now")
            .arg(now)
            .args(args);
        cmd
    }

    /// Runs a command that must succeed; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().expect("runs");
        assert!(
            out.status.success(),
            "{args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }
}
