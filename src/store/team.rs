//! A team on one PostgreSQL database: a role per rep and a manager role,
//! bound by the row-level security of migration 8.

use super::db::OptionalExtension;
use super::{Result, Store, StoreError};

/// The roles `team init` made or found, as (role, rep or None for the
/// manager, newly created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRole {
    pub role: String,
    pub rep: Option<String>,
    pub created: bool,
}

/// A role name from a rep's name: lower-case ASCII letters, digits and `_`,
/// so it needs no quoting, within PostgreSQL's 63 bytes.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').chars().take(36).collect()
}

/// A rep's role name: the slug, and a hash of the whole name so two reps
/// whose names slug alike ("Ana Maria", "Ana-Maria", or two in Chinese
/// script) never share a role.
fn rep_role(prefix: &str, rep: &str) -> String {
    let hash = rep.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let slug = slug(rep);
    if slug.is_empty() {
        format!("{prefix}_rep_{:08x}", hash as u32)
    } else {
        format!("{prefix}_{slug}_{:08x}", hash as u32)
    }
}

impl Store {
    /// Creates (or keeps) a login role per rep and a manager role, grants
    /// them this schema, and records who is who. Run by the tables' owner.
    pub fn team_init(&self) -> Result<Vec<TeamRole>> {
        if !self.is_postgres() {
            return Err(StoreError::Invalid(
                "a team needs a PostgreSQL database: pass --db postgres://user@host/db".into(),
            ));
        }
        let tx = self.conn.begin(super::db::Begin::Write)?;
        let id: String = tx.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))?;
        let prefix = format!("pb_{}", slug(&id));
        let schema: String = tx.query_row("SELECT quote_ident(current_schema())", [], |r| r.get(0))?;
        let reps: Vec<String> = tx.query_map("SELECT name FROM reps ORDER BY name", [], |r| r.get(0))?;
        let group = format!("{prefix}_team");
        let mut wanted: Vec<(String, Option<String>)> =
            reps.iter().map(|rep| (rep_role(&prefix, rep), Some(rep.clone()))).collect();
        wanted.push((format!("{prefix}_manager"), None));
        let mut made = Vec::new();
        let exists = |role: &str| -> Result<bool> {
            tx.query_row("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?1)", [role], |r| r.get(0))
        };
        // Role names are built from [a-z0-9_] only (see `slug`): safe unquoted.
        if !exists(&group)? {
            tx.execute_batch(&format!("CREATE ROLE {group} NOLOGIN"))?;
        }
        tx.execute_batch(&format!(
            "GRANT USAGE ON SCHEMA {schema} TO {group};
             GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {group};
             GRANT INSERT, UPDATE, DELETE ON accounts, players, triggers, enrollments, touches, activity TO {group};
             GRANT INSERT ON plays, pushed TO {group};
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {group};"
        ))?;
        for (role, rep) in wanted {
            let mapped: Option<Option<String>> =
                tx.query_row("SELECT rep FROM team_roles WHERE role = ?1", [&role], |r| r.get(0)).optional()?;
            if mapped.as_ref().is_some_and(|m| *m != rep) {
                return Err(StoreError::Invalid(format!(
                    "role {role} already stands for someone else; nothing was changed"
                )));
            }
            let created = !exists(&role)?;
            if created {
                tx.execute_batch(&format!("CREATE ROLE {role} LOGIN IN ROLE {group}"))?;
            }
            if rep.is_none() {
                tx.execute_batch(&format!("GRANT INSERT, UPDATE, DELETE ON reps TO {role}"))?;
            }
            tx.execute(
                "INSERT INTO team_roles (role, rep, manager) VALUES (?1, ?2, ?3)
                 ON CONFLICT (role) DO UPDATE SET rep = excluded.rep, manager = excluded.manager",
                params![role, rep, i64::from(rep.is_none())],
            )?;
            made.push(TeamRole { role, rep, created });
        }
        tx.commit()?;
        Ok(made)
    }

    /// The rep this session's database role stands for, and whether it is
    /// a manager's; `None` outside a team's roles (an SQLite file, the owner).
    pub fn team_member(&self) -> Result<Option<(Option<String>, bool)>> {
        if !self.is_postgres() {
            return Ok(None);
        }
        let known: bool =
            self.conn
                .query_row("SELECT EXISTS (SELECT 1 FROM team_roles WHERE role = session_user)", [], |r| r.get(0))?;
        if !known {
            return Ok(None);
        }
        self.conn.query_row("SELECT playbook_rep(), playbook_manager()", [], |r| Ok(Some((r.get(0)?, r.get(1)?))))
    }
}
