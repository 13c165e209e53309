//! The owner's decisions: which plays wait for one, and ending a play.

use super::{refused, user_text, Engine, Result};
use crate::domain::{Ending, EnrollmentState, TouchState};
use crate::store::{Activity, DecisionRow, Store};

impl Engine {
    /// Accounts whose plays an answer paused, waiting for their owner (one
    /// rep's, or everyone's), the longest waiting first.
    pub fn decisions(&self, store: &Store, owner: Option<&str>) -> Result<Vec<DecisionRow>> {
        Ok(store.decisions(owner)?)
    }

    /// `end`: the owner's decision. The account's running plays (or the one
    /// named) stop, their waiting touches are cancelled, and the account's
    /// status follows how it ended once no play runs on it.
    pub(super) fn end(
        &self,
        store: &mut Store,
        account_id: i64,
        ending: Ending,
        play: Option<&str>,
        note: Option<&str>,
    ) -> Result<String> {
        let note = note.map(user_text).transpose()?.filter(|n| !n.trim().is_empty());
        let account = store.account(account_id)?;
        let mut tx = store.begin()?;
        let mut ending_now = Vec::new();
        for e in tx.running_enrollments(account_id)? {
            let label = tx.play(e.play_id)?;
            if play.is_none_or(|name| label.name.eq_ignore_ascii_case(name.trim())) {
                ending_now.push((e, label.label()));
            }
        }
        if ending_now.is_empty() {
            return Err(refused(match play {
                Some(name) => format!("{} is not running {}", account.name, crate::text::quoted(name)),
                None => format!("{} has no running play to end", account.name),
            }));
        }
        let mut cancelled = 0;
        for (e, _) in &ending_now {
            for t in tx.open_touches(e.id)? {
                let mut stopped = t.clone();
                stopped.state = TouchState::Cancelled;
                stopped.reason = Some(format!("play ended: {}", ending.label()));
                tx.save_touch(&stopped)?;
                cancelled += 1;
            }
            let mut ended = e.clone();
            ended.state = EnrollmentState::Exited;
            ended.ended_as = Some(ending);
            ended.decision_at = None;
            ended.paused_at = None;
            ended.paused_until = None;
            ended.reason =
                Some(note.clone().unwrap_or_else(|| format!("ended as {} by {}", ending.label(), self.actor)));
            tx.save_enrollment(&ended)?;
        }
        let still_running = !tx.running_enrollments(account_id)?.is_empty();
        let status = ending.account_status();
        if !still_running {
            tx.set_account_status(account_id, status)?;
        }
        let plays: Vec<&str> = ending_now.iter().map(|(_, label)| label.as_str()).collect();
        let mut detail = format!("{} ended as {}", plays.join(", "), ending.label());
        if let Some(note) = &note {
            detail.push_str(&format!(": {note}"));
        }
        tx.commit(
            &self.actor,
            self.now,
            &Activity {
                action: "end".into(),
                account_id: Some(account_id),
                detail: Some(detail),
                ..Activity::default()
            },
        )?;
        let mut said = format!(
            "{}: {} ended as {}; {} cancelled",
            account.name,
            plays.join(", "),
            ending.label(),
            crate::text::count(cancelled, "waiting touch", "waiting touches")
        );
        if still_running {
            said.push_str("; another play still runs");
        } else {
            said.push_str(&format!("; the account is now {}", status.label()));
        }
        Ok(said)
    }
}
