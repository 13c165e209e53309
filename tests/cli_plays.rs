//! `plays check` and config errors name their line; exit codes follow the rules.

mod common;

use common::Env;

#[test]
fn shipped_plays_check_clean() {
    let env = Env::new();
    let out = env.ok(&[
        "plays",
        "check",
        "assets/plays/exec-trigger.toml",
        "assets/plays/multi-thread.toml",
        "assets/plays/re-engage.toml",
    ]);
    assert_eq!(out.matches(": ok (").count(), 3, "{out}");
}

#[test]
fn a_broken_play_names_its_lines() {
    let env = Env::new();
    let path = env.dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "name = \"bad\"\nversion = 1\ntitle = \"Bad\"\n\n[[step]]\ntitle = \"a\"\nchannel = \"email\"\nday = 0\nbody = \"Hi {first_name}\"\n\n[[step]]\ntitle = \"b\"\nchannel = \"email\"\ntiers = [\"practitioner\"]\nday = 7\nweekdays = [\"sat\"]\nbody = \"x\"\n",
    )
    .expect("write");
    let out = env.cmd(&["plays", "check", path.to_str().expect("utf-8")]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:line 11: error: step 2: 7 days after step 1"), "{err}");
    assert!(err.contains("bad.toml:line 11: error: step 2: pinned to Sat"), "{err}");

    std::fs::write(&path, "name = \"bad\"\nversion = \"one\"\n").expect("write");
    let out = env.cmd(&["plays", "check", path.to_str().expect("utf-8")]).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:2:11: error:"), "syntax error names line and column: {err}");
}

#[test]
fn a_bad_config_file_names_its_line() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("config.toml"), "[me]\nname = \"Dana\"\n\n[ranking]\ntrigger = \"lots\"\n")
        .expect("write");
    let out = env.cmd(&["queue"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 5"), "{err}");
}

#[test]
fn installing_a_changed_play_needs_a_new_version() {
    let env = Env::demo();
    let path = env.dir.path().join("changed.toml");
    let text =
        std::fs::read_to_string("assets/plays/re-engage.toml").expect("read").replace("Last note from me", "Last note");
    std::fs::write(&path, &text).expect("write");
    let out = env.cmd(&["plays", "install", path.to_str().expect("utf-8")]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("raise its version"));
    std::fs::write(&path, text.replace("version = 1", "version = 2")).expect("write");
    assert!(env.ok(&["plays", "install", path.to_str().expect("utf-8")]).contains("re-engage v2"));
}
