//! Numbered migrations; `PRAGMA user_version` records how many have run.
//!
//! The rule: **a migration that has shipped is never edited.** A database
//! made by any earlier build must upgrade to exactly the schema a new one
//! gets, so a schema change is always a new file appended to `MIGRATIONS`.
//! `tests/migrations.rs` pins a hash of each shipped file and upgrades
//! databases made by released builds (`tests/fixtures/db/`).

use super::{Result, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::io::Read as _;
use std::path::Path;

/// Each entry upgrades the schema by one version.
pub const MIGRATIONS: &[&str] = &[
    // 1: the core objects of domain.md.
    include_str!("migrations/0001_core.sql"),
    // 2: each logged response names its enrollment, play version and step;
    // open touches and each enrollment's last touch are kept by triggers.
    include_str!("migrations/0002_review_rollups.sql"),
    // 3: how an imported player's tier and zone were decided.
    include_str!("migrations/0003_player_rules.sql"),
    // 4: a logged response names the rep whose touch it answered, and the
    // store gets an id of its own (calendar UIDs).
    include_str!("migrations/0004_response_owner.sql"),
    // 5: the file's application id; rollup triggers only recount on a real change.
    include_str!("migrations/0005_identity_and_guarded_rollups.sql"),
    // 6: reasons as data, a player's own working week, expired pauses indexed.
    include_str!("migrations/0006_reasons_and_workweeks.sql"),
    // 7: plays waiting for their owner's decision, and how ended plays ended.
    include_str!("migrations/0007_decisions.sql"),
    // 8: the database role of whoever acted; undo finds one's own last action.
    include_str!("migrations/0008_actor_role.sql"),
];

/// `PRAGMA application_id` of a playbook database ("play").
pub const APPLICATION_ID: u32 = 0x706C_6179;

/// Tables every playbook database has had since schema version 1, with
/// columns no other program's table of that name is likely to have.
const CORE_TABLES: [(&str, &[&str]); 7] = [
    ("reps", &["name", "zone"]),
    ("accounts", &["id", "name", "domain", "owner", "bant_score", "last_trigger_on"]),
    ("players", &["id", "account_id", "first_name", "tier", "role", "zone"]),
    ("plays", &["id", "name", "version", "source"]),
    ("enrollments", &["id", "account_id", "play_id", "state", "paused_until"]),
    ("touches", &["id", "enrollment_id", "player_id", "owner", "seq", "nominal_day", "due_at", "why"]),
    ("activity", &["id", "at", "actor", "action", "undo", "undone_by"]),
];

/// A path as the path part of an SQLite `file:` URI.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Refuses a file that is not a playbook database: not SQLite at all,
/// another program's application id, or a schema of someone else's.
/// A database made before application ids (version 1-4) is ours when it
/// has our tables; an SQLite file with no tables at all holds nothing to
/// harm and is taken as new.
pub(super) fn check_identity(path: &Path) -> Result<()> {
    let foreign = |why| StoreError::Foreign { path: path.to_path_buf(), why };
    let open_error = |why: String| StoreError::Open { path: path.to_path_buf(), why };
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(|e| open_error(crate::files::describe(&e)))?;
    let read = file.read(&mut header).map_err(|e| open_error(crate::files::describe(&e)))?;
    if read < header.len() || !header.starts_with(b"SQLite format 3\0") {
        return Err(foreign("not an SQLite file"));
    }
    let id = u32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if id == APPLICATION_ID {
        return Ok(());
    }
    if id != 0 {
        return Err(foreign("another program's SQLite database"));
    }
    // Read-only and immutable: a foreign file must come out of this
    // untouched, without even a -wal or -shm file beside it. (A WAL that
    // was never checkpointed is not read: our own tables are then either
    // in the main file already, or nowhere yet, which reads as new.)
    let uri = format!("file:{}?immutable=1", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(uri, flags).map_err(|e| open_error(super::sqlite_message(&e)))?;
    let unreadable = |e: rusqlite::Error| match e {
        rusqlite::Error::SqliteFailure(code, _) if code.code == rusqlite::ErrorCode::NotADatabase => {
            foreign("not an SQLite file")
        }
        e => open_error(super::sqlite_message(&e)),
    };
    let id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(unreadable)?;
    if id == i64::from(APPLICATION_ID) {
        return Ok(());
    }
    if id != 0 {
        return Err(foreign("another program's SQLite database"));
    }
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(unreadable)?;
    if objects == 0 {
        return Ok(());
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(unreadable)?;
    let mut ours = version >= 1;
    for (table, columns) in CORE_TABLES {
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_xinfo(?1)").map_err(unreadable)?;
        let found: Vec<String> = stmt
            .query_map([table], |r| r.get(0))
            .map_err(unreadable)?
            .collect::<rusqlite::Result<_>>()
            .map_err(unreadable)?;
        ours &= columns.iter().all(|c| found.iter().any(|f| f == c));
    }
    if ours {
        Ok(())
    } else {
        Err(foreign("its tables are another program's"))
    }
}

/// Rebuilds `touch_daily` and `touch_open` from the touches (after a bulk load without triggers).
pub const REBUILD_ROLLUPS: &str = "
DELETE FROM touch_daily;
INSERT INTO touch_daily (day, owner, play_id, step, kind, channel, state, n, on_time)
SELECT t.done_day, t.owner, e.play_id, t.step, t.kind, t.channel, t.state, COUNT(*), SUM(COALESCE(t.on_time, 0))
FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
WHERE t.done_day IS NOT NULL AND t.state IN ('done', 'skipped')
GROUP BY 1, 2, 3, 4, 5, 6, 7;
DELETE FROM touch_open;
INSERT INTO touch_open (play_id, owner, kind, n)
SELECT e.play_id, t.owner, t.kind, COUNT(*)
FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
WHERE t.state IN ('planned', 'due', 'snoozed')
GROUP BY 1, 2, 3;
";

/// Recomputes each enrollment's last touch from its touches (a repair; bulk
/// loads write them directly).
pub const REBUILD_LAST_TOUCH: &str = "
UPDATE enrollments SET
    last_touch_at = (SELECT MAX(done_at) FROM touches t WHERE t.enrollment_id = enrollments.id AND t.done_at IS NOT NULL),
    last_done_day = (SELECT MAX(done_day) FROM touches t WHERE t.enrollment_id = enrollments.id AND t.state = 'done');
";

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
