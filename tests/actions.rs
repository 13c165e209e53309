//! User actions through the CLI, each with what a rep would notice: a
//! response lands on what was sent, outcomes fit the channel, one play per
//! person unless asked, and every action undoes.

mod common;

use common::Env;

/// Mini Co (owner Quinn Tester, Berlin) with Eva (executive), Dirk
/// (director) and Pia (practitioner), enrolled in multi-thread.
/// Dirk's thread: step 2 = touch 7, step 3 = touch 8.
fn mini() -> Env {
    common::mini_co("Europe/Berlin")
}

fn at(env: &Env, now: &str, args: &[&str]) -> String {
    let out = env.cmd_at(now, args).output().expect("runs");
    assert!(out.status.success(), "{args:?} at {now}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A command that must fail: (exit code, stderr).
fn fails(env: &Env, now: &str, args: &[&str]) -> (i32, String) {
    let out = env.cmd_at(now, args).output().expect("runs");
    assert!(!out.status.success(), "{args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    (out.status.code().unwrap_or(-1), err)
}

/// (state, outcome) of a touch, read from the database.
fn touch(env: &Env, id: i64) -> (String, Option<String>) {
    let db = common::raw_db(&env.db);
    db.query_row("SELECT state, outcome FROM touches WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("touch")
}

#[test]
fn an_open_on_a_touch_not_sent_lands_on_the_last_sent_one_and_says_so() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    // Touch 8 is Dirk's next, not sent yet: the open is of touch 7.
    let said = at(&env, "2026-03-02T09:00:00Z", &["opened", "8"]);
    assert!(said.contains("touch 8 has not gone out") && said.contains("logged on touch 7"), "{said}");
    assert_eq!(touch(&env, 7), ("done".into(), Some("opened".into())));
    assert_ne!(touch(&env, 8).0, "done", "a response never marks an unsent touch done");
}

#[test]
fn a_response_with_nothing_sent_is_refused_and_changes_nothing() {
    let env = mini();
    let (code, err) = fails(&env, "2026-03-02T08:00:00Z", &["replied", "7"]);
    assert_eq!(code, 1);
    assert!(err.contains("nothing has gone out to Dirk T"), "{err}");
    assert_eq!(touch(&env, 7), ("due".into(), None));
    let (_, err) = fails(&env, "2026-03-02T08:00:00Z", &["bounced", "--player", "dirk@mini.test"]);
    assert!(err.contains("nothing has gone out to Dirk T"), "{err}");
}

#[test]
fn a_player_by_email_answers_on_their_last_sent_touch() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    let said = at(&env, "2026-03-02T10:00:00Z", &["replied", "--player", "DIRK@mini.test", "--note", "call me"]);
    assert!(said.contains("logged on touch 7") && said.contains("positive reply"), "{said}");
    assert_eq!(touch(&env, 7).1.as_deref(), Some("replied_positive"));
    // Undo takes the reply back, and the touch stays done.
    at(&env, "2026-03-02T10:01:00Z", &["undo"]);
    assert_eq!(touch(&env, 7), ("done".into(), Some("sent".into())));
}

#[test]
fn an_outcome_that_does_not_fit_the_channel_is_a_usage_error() {
    let env = mini();
    // Touch 7 is Dirk's intro email.
    let (code, err) = fails(&env, "2026-03-02T08:00:00Z", &["done", "7", "--outcome", "connected"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("connected does not fit touch 7 (email): choose sent"), "{err}");
    assert_eq!(touch(&env, 7).0, "due", "a failed command changes nothing");
    let said = at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    assert!(said.contains("done (sent)"), "{said}");
}

#[test]
fn a_second_play_on_the_same_people_is_refused_unless_asked_for() {
    let env = mini();
    let (code, err) = fails(&env, "2026-03-02T08:00:00Z", &["enroll", "mini.test", "re-engage"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Pia T are already in multi-thread v1 (active) on Mini Co") && err.contains("--also"),
        "{err}"
    );
    let said = at(&env, "2026-03-02T08:00:00Z", &["enroll", "mini.test", "re-engage", "--also"]);
    assert!(said.contains("enrolled in"), "{said}");
}

#[test]
fn players_picks_who_enters_the_play() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["end", "mini.test", "--as", "no-response"]);
    let said = at(&env, "2026-03-02T08:05:00Z", &["enroll", "mini.test", "re-engage", "--players", "pia@mini.test"]);
    assert!(said.contains("for 1 player"), "{said}");
}

#[test]
fn a_reply_waits_as_a_decision_until_the_owner_ends_the_play() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T10:00:00Z", &["replied", "7", "--note", "send pricing"]);
    // The queue opens with the decision: who, what they said, how long ago.
    let queue = at(&env, "2026-03-02T13:00:00Z", &["queue", "--owner", "Quinn Tester"]);
    let first: Vec<&str> = queue.lines().take(3).collect();
    assert_eq!(first[0], "Needs decision", "{queue}");
    assert!(first[2].contains("Mini Co") && first[2].contains("Dirk T"), "{queue}");
    assert!(first[2].contains("replied positive") && first[2].contains("send pricing"), "{queue}");
    assert!(first[2].contains("3h ago"), "{queue}");
    let accounts =
        at(&env, "2026-03-02T13:00:00Z", &["accounts", "--owner", "Quinn Tester", "--filter", "status:replied"]);
    assert!(accounts.contains("Mini Co"), "the status filter finds the account waiting: {accounts}");

    let said = at(&env, "2026-03-02T13:05:00Z", &["end", "mini.test", "--as", "won", "--note", "demo booked"]);
    assert!(said.contains("ended as won") && said.contains("now opportunity"), "{said}");
    let decisions = at(&env, "2026-03-02T13:06:00Z", &["decisions", "--owner", "Quinn Tester"]);
    assert!(decisions.contains("no play is waiting"), "{decisions}");
    let detail = at(&env, "2026-03-02T13:06:00Z", &["account", "mini.test", "--format", "json"]);
    assert!(detail.contains("\"opportunity\""), "{detail}");
    assert!(!detail.contains("\"due\""), "nothing waits in an ended play: {detail}");

    // Undo: the play waits for the decision again.
    at(&env, "2026-03-02T13:07:00Z", &["undo"]);
    let decisions = at(&env, "2026-03-02T13:08:00Z", &["decisions", "--owner", "Quinn Tester", "--format", "csv"]);
    assert!(decisions.contains("Mini Co") && decisions.contains("send pricing"), "{decisions}");
}

#[test]
fn resume_is_a_decision_too() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T10:00:00Z", &["meeting", "7"]);
    at(&env, "2026-03-03T09:00:00Z", &["resume", "mini.test"]);
    let decisions = at(&env, "2026-03-03T09:00:00Z", &["decisions", "--format", "json"]);
    assert_eq!(decisions.trim(), "[]", "{decisions}");
}

#[test]
fn ending_with_nothing_running_is_refused() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["end", "mini.test", "--as", "no-response"]);
    let (code, err) = fails(&env, "2026-03-02T08:01:00Z", &["end", "mini.test", "--as", "lost"]);
    assert_eq!(code, 1);
    assert!(err.contains("Mini Co has no running play to end"), "{err}");
    let (code, err) = fails(&env, "2026-03-02T08:01:00Z", &["end", "mini.test", "--as", "maybe"]);
    assert_eq!(code, 2);
    assert!(err.contains("won, lost, disqualified or no-response"), "{err}");
}

#[test]
fn an_open_or_a_bounce_is_an_emails_and_never_lands_on_a_call() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T11:00:00Z", &["done", "8"]);
    at(&env, "2026-03-03T09:00:00Z", &["done", "9", "--outcome", "connected"]);
    // Touch 9 is Dirk's call: an open belongs to his last email, touch 8.
    let said = at(&env, "2026-03-03T10:00:00Z", &["opened", "--player", "dirk@mini.test"]);
    assert!(said.contains("logged on touch 8 (email)"), "{said}");
    let (code, err) = fails(&env, "2026-03-03T10:01:00Z", &["bounced", "9"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bounced does not fit touch 9 (call)"), "{err}");
}

#[test]
fn decisions_as_csv_keep_the_stored_answer() {
    let env = mini();
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T10:00:00Z", &["replied", "7"]);
    let csv = at(&env, "2026-03-02T11:00:00Z", &["decisions", "--format", "csv"]);
    assert!(csv.contains(",replied_positive,"), "{csv}");
    at(&env, "2026-03-02T11:05:00Z", &["resume", "mini.test"]);
    let accounts = at(&env, "2026-03-02T11:06:00Z", &["accounts", "--owner", "Quinn Tester", "--format", "csv"]);
    assert!(accounts.contains(",working,"), "resuming is the decision: the account is worked again: {accounts}");
}

#[test]
fn decisions_are_listed_longest_waiting_first_by_the_answer_shown() {
    let env = Env::demo();
    let list = env.json(&["decisions", "--format", "json"]);
    let since: Vec<&str> = list.as_array().expect("list").iter().map(|d| d["since"].as_str().expect("since")).collect();
    assert!(since.len() >= 2);
    let mut sorted = since.clone();
    sorted.sort_unstable();
    assert_eq!(since, sorted, "oldest answer first");
}

#[test]
fn a_reply_on_a_one_player_play_waits_for_a_decision_instead_of_completing() {
    let env = common::company(&format!(
        "{}\nAnna,Schmidt,anna@mini.test,VP Marketing,mini.test,executive,user,Europe/Berlin\n",
        common::CONTACTS_HEADER
    ));
    at(&env, "2026-03-02T07:00:00Z", &["enroll", "mini.test", "multi-thread"]);
    let first: i64 = common::raw_db(&env.db)
        .query_row("SELECT id FROM touches WHERE state = 'due' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .expect("a due touch");
    at(&env, "2026-03-02T08:00:00Z", &["done", &first.to_string()]);
    at(&env, "2026-03-02T09:00:00Z", &["replied", "--player", "anna@mini.test", "--note", "send pricing"]);
    let waiting = at(&env, "2026-03-02T10:00:00Z", &["decisions", "--format", "csv"]);
    assert!(waiting.contains("Mini Co") && waiting.contains("send pricing"), "{waiting}");
    let said = at(&env, "2026-03-02T10:01:00Z", &["end", "mini.test", "--as", "won"]);
    assert!(said.contains("ended as won"), "{said}");
}

/// A same-day follow-up ("Re: ...") answers the email before it: when that
/// email is skipped, nothing went out to follow up on, so the follow-up is
/// skipped with it, saying why; the thread moves on to the next step, and
/// one undo brings both back.
#[test]
fn skipping_an_email_skips_its_same_day_follow_up_too() {
    let env = Env::demo();
    let db = common::raw_db(&env.db);
    let pair = "SELECT t.id, n.id FROM touches t
                  JOIN touches n ON n.enrollment_id = t.enrollment_id AND n.player_id = t.player_id
                   AND n.kind = 'step' AND n.step = t.step + 1
                 WHERE t.kind = 'step' AND t.state = 'due' AND n.state = 'planned'
                   AND n.why LIKE '%same-day follow-up%'
                 ORDER BY t.id LIMIT 1";
    let (first, follow_up): (i64, i64) = db.query_row(pair, [], |r| Ok((r.get(0)?, r.get(1)?))).expect("a pair");
    let after: i64 = db
        .query_row(
            "SELECT n.id FROM touches t JOIN touches n ON n.enrollment_id = t.enrollment_id
               AND n.player_id = t.player_id AND n.kind = 'step' AND n.step = t.step + 1 WHERE t.id = ?1",
            [follow_up],
            |r| r.get(0),
        )
        .expect("the step after");
    let said = env.ok(&["skip", &first.to_string()]);
    assert!(said.contains(&format!("its same-day follow-up {follow_up} with it")), "the skip says so: {said}");
    let state = |id: i64| -> (String, Option<String>) {
        db.query_row("SELECT state, reason FROM touches WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("touch")
    };
    let (s, reason) = state(follow_up);
    assert_eq!(s, "skipped");
    assert!(reason.as_deref().unwrap_or("").contains("which was skipped"), "{reason:?}");
    assert_eq!(state(after).0, "due", "the thread moves on past the follow-up");
    let account: i64 =
        db.query_row("SELECT account_id FROM touches WHERE id = ?1", [first], |r| r.get(0)).expect("account");
    let shown = env.ok(&["account", &account.to_string()]);
    assert!(
        shown.lines().any(|l| l.contains(&format!("#{follow_up} ")) && l.contains("which was skipped")),
        "the account says why: {shown}"
    );
    let queue = env.ok(&["queue", "--format", "csv"]);
    assert!(!queue.lines().any(|l| l.starts_with(&format!("{follow_up},"))), "{queue}");
    env.ok(&["undo"]);
    assert_eq!(
        (state(first).0, state(follow_up).0, state(after).0),
        ("due".into(), "planned".into(), "planned".into())
    );
    // Done, the follow-up stays and comes due: the email went out.
    env.ok(&["done", &first.to_string()]);
    assert_eq!(state(follow_up).0, "due");
}
