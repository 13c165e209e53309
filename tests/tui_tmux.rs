//! The real binary in a real terminal (tmux): the queue shows, `d` then
//! Enter marks the top touch done, `q` quits with exit code 0 and the
//! terminal is given back, and the CLI no longer lists that touch.

mod common;

use common::Env;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(session: &str, what: &str) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", session]);
        if screen.contains(what) {
            return screen;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "`{what}` never appeared:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether tmux can run here; CI sets PLAYBOOK_REQUIRE_TMUX so a missing
/// tmux fails instead of skipping.
fn tmux_available() -> bool {
    if Command::new("tmux").arg("-V").output().is_ok() {
        return true;
    }
    assert!(std::env::var_os("PLAYBOOK_REQUIRE_TMUX").is_none(), "tmux is required here but missing");
    eprintln!("SKIPPED: tmux is not installed");
    false
}

/// The touch the UI shows first: the CLI's order, grouped by time.
fn top_touch(env: &Env) -> i64 {
    let items = env.json(&["queue", "--format", "json"]);
    let mut items = items.as_array().expect("array").clone();
    let rank = |g: &str| ["Overdue", "Due now", "Later today", "Tomorrow"].iter().position(|x| *x == g).unwrap_or(9);
    items.sort_by_key(|i| rank(i["group"].as_str().expect("group")));
    items.first().expect("a due touch")["touch_id"].as_i64().expect("id")
}

#[test]
fn mark_the_top_touch_done_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let env = Env::demo();
    let touch = top_touch(&env);
    let session = format!("playbook-test-{}", std::process::id());
    let exit_file = env.dir.path().join("exit");
    let script = format!(
        "XDG_CONFIG_HOME='{dir}' PLAYBOOK_CONFIG='{dir}/config.toml' '{bin}' --db '{db}' --now '{now}'; echo $? > '{exit}'; sleep 20",
        dir = env.dir.path().display(),
        bin = env!("CARGO_BIN_EXE_playbook"),
        db = env.db.display(),
        now = env.now,
        exit = exit_file.display(),
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", &script]);
    let cleanup = scopeguard(&session);

    // The first frame says "Loading…"; then the decisions waiting, first.
    let waiting = env.json(&["decisions", "--format", "json"]);
    let waiting = waiting.as_array().expect("array");
    let first = waiting.first().expect("the demo has decisions waiting")["account"].as_str().expect("name");
    let screen = wait_for(&session, &format!("Needs decision · {first}"));
    assert!(screen.contains("Due touches"), "{screen}");
    // Below them, the top touch.
    for _ in waiting {
        tmux(&["send-keys", "-t", &session, "j"]);
    }
    wait_for(&session, &format!("t{touch} ·"));
    tmux(&["send-keys", "-t", &session, "d"]);
    wait_for(&session, "Done: outcome");
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for(&session, &format!("touch {touch} done"));
    tmux(&["send-keys", "-t", &session, "q"]);

    let start = Instant::now();
    while !Path::new(&exit_file).exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "playbook did not quit");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(std::fs::read_to_string(&exit_file).expect("exit code").trim(), "0");
    let after = tmux(&["capture-pane", "-p", "-t", &session]);
    assert!(!after.contains("Due touches"), "the terminal is restored after quitting:\n{after}");
    drop(cleanup);

    let queue = env.json(&["queue", "--format", "json"]);
    assert!(
        queue.as_array().expect("array").iter().all(|i| i["touch_id"].as_i64() != Some(touch)),
        "touch {touch} is no longer due"
    );
}

#[test]
fn closing_the_terminal_ends_playbook() {
    if !tmux_available() {
        return;
    }
    let env = Env::demo();
    let session = format!("playbook-hangup-{}", std::process::id());
    let script = format!(
        "XDG_CONFIG_HOME='{dir}' PLAYBOOK_CONFIG='{dir}/config.toml' exec '{bin}' --db '{db}' --now '{now}'",
        dir = env.dir.path().display(),
        bin = env!("CARGO_BIN_EXE_playbook"),
        db = env.db.display(),
        now = env.now,
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", &script]);
    let cleanup = scopeguard(&session);
    wait_for(&session, "Due touches");
    // The manager's review opens on 4 in the real terminal too.
    tmux(&["send-keys", "-t", &session, "4"]);
    wait_for(&session, "Funnel: worked");
    let pid = tmux(&["display-message", "-p", "-t", &session, "#{pane_pid}"]).trim().to_string();
    assert!(Path::new(&format!("/proc/{pid}")).exists(), "playbook runs as the pane's process");
    drop(cleanup);

    // A hung-up terminal must not leave playbook spinning in the background.
    let start = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if state.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "playbook {pid} still runs after its terminal closed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_cli_done_while_the_ui_is_open_shows_within_two_seconds_without_a_key() {
    if !tmux_available() {
        return;
    }
    let env = Env::demo();
    let touch = top_touch(&env);
    let session = format!("playbook-live-{}", std::process::id());
    let script = format!(
        "XDG_CONFIG_HOME='{dir}' PLAYBOOK_CONFIG='{dir}/config.toml' exec '{bin}' --db '{db}' --now '{now}'",
        dir = env.dir.path().display(),
        bin = env!("CARGO_BIN_EXE_playbook"),
        db = env.db.display(),
        now = env.now,
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", &script]);
    let cleanup = scopeguard(&session);
    wait_for(&session, "Needs decision");
    let waiting = env.json(&["decisions", "--format", "json"]);
    for _ in waiting.as_array().expect("array") {
        tmux(&["send-keys", "-t", &session, "j"]);
    }
    wait_for(&session, &format!("t{touch} ·"));
    // Another terminal marks it done; no key is pressed here.
    env.ok(&["done", &touch.to_string()]);
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", &session]);
        if !screen.contains(&format!("t{touch} ·")) {
            assert!(screen.contains("Due touches"), "still the queue:\n{screen}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(2), "the done touch still shows after 2 s:\n{screen}");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(cleanup);
}

/// `y` puts the touch on the clipboard through OSC 52 (tmux keeps it as a
/// paste buffer when `set-clipboard` is on) and `g` hands a `mailto:` to
/// the opener, here a script that writes down what it was given.
#[test]
fn copy_and_open_the_top_touch_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let env = Env::demo();
    let touch = top_touch(&env);
    let queue = env.json(&["queue", "--format", "json"]);
    let channel = queue.as_array().expect("array").iter().find(|i| i["touch_id"].as_i64() == Some(touch)).expect("top")
        ["channel"]
        .clone();
    assert_eq!(channel, "email", "the demo's top touch is an email");
    let opened = env.dir.path().join("opened");
    let opener = env.dir.path().join("opener.sh");
    std::fs::write(&opener, format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display())).expect("opener");
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    // A server of its own: set-clipboard is a server-wide option, and the
    // user's own tmux must not be touched.
    let socket = format!("playbook-clip-{}", std::process::id());
    let tmux = |args: &[&str]| tmux(&[&["-L", &socket, "-f", "/dev/null"], args].concat());
    let session = "clip";
    let script = format!(
        "XDG_CONFIG_HOME='{dir}' PLAYBOOK_CONFIG='{dir}/config.toml' PLAYBOOK_OPENER='{opener}' exec '{bin}' --db '{db}' --now '{now}'",
        dir = env.dir.path().display(),
        opener = opener.display(),
        bin = env!("CARGO_BIN_EXE_playbook"),
        db = env.db.display(),
        now = env.now,
    );
    tmux(&["new-session", "-d", "-s", session, "-x", "100", "-y", "30", &script]);
    let _cleanup = Server(socket.clone());
    tmux(&["set-option", "-g", "set-clipboard", "on"]);
    let wait_for = |what: &str| {
        let start = Instant::now();
        loop {
            let screen = tmux(&["capture-pane", "-p", "-t", session]);
            if screen.contains(what) {
                return screen;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "`{what}` never appeared:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for("Due touches");
    let decisions = env.json(&["decisions", "--format", "json"]);
    for _ in decisions.as_array().expect("array") {
        tmux(&["send-keys", "-t", session, "j"]);
    }
    let screen = wait_for("subject ");
    let subject = screen
        .lines()
        .find_map(|l| l.split_once("subject ").map(|(_, s)| s.trim_end_matches([' ', '│']).trim().to_string()))
        .expect("a subject line");
    assert!(screen.contains(&format!("t{touch} ·")), "{screen}");

    tmux(&["send-keys", "-t", session, "y"]);
    wait_for("to the clipboard");
    let buffer = tmux(&["show-buffer"]);
    assert!(buffer.starts_with(&format!("{subject}\n\n")), "the clipboard holds the subject, then the body:\n{buffer}");
    assert!(buffer.lines().count() > 3, "and the body:\n{buffer}");

    tmux(&["send-keys", "-t", session, "g"]);
    wait_for("in your mail client");
    let start = Instant::now();
    while !opened.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "the opener never ran");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let uri = std::fs::read_to_string(&opened).expect("uri");
    assert!(uri.starts_with("mailto:") && uri.contains("?subject=") && uri.contains("&body="), "{uri}");
    assert!(!uri.contains(' ') && !uri.contains('\n'), "percent-encoded: {uri}");
}

/// Ends a test's own tmux server.
struct Server(String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.0, "kill-server"]).output();
    }
}

/// Kills the tmux session when the test ends, pass or fail.
struct Guard(String);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).output();
    }
}

fn scopeguard(session: &str) -> Guard {
    Guard(session.to_string())
}
