//! A terminal that goes away (window closed, SSH dropped) must end playbook.
//! crossterm's reader loops forever on a hung-up tty without returning to
//! our loop, so a watchdog thread notices the hangup (or SIGHUP/SIGTERM) and
//! exits if the loop has not stopped by itself a moment later. Nothing is
//! lost: every action is committed before its frame is drawn.

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Exit code after a hangup, as a shell reports SIGHUP.
const HANGUP_EXIT: i32 = 129;

/// Watches until `finished` is set; sets `stop` on a hangup.
pub fn watch(stop: Arc<AtomicBool>, finished: Arc<AtomicBool>) {
    // Only a terminal on stdin can hang up; a pipe at its end is not one.
    let watch_stdin = std::io::stdin().is_terminal();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(250));
        if finished.load(Ordering::Relaxed) {
            return;
        }
        if watch_stdin && stdin_hung_up() {
            stop.store(true, Ordering::Relaxed);
        }
        if stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(750));
            if !finished.load(Ordering::Relaxed) {
                ratatui::restore();
                std::process::exit(HANGUP_EXIT);
            }
            return;
        }
    });
}

/// Whether the terminal on stdin has gone, without reading from it.
fn stdin_hung_up() -> bool {
    let stdin = std::io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::empty())];
    let now = Timespec { tv_sec: 0, tv_nsec: 0 };
    poll(&mut fds, Some(&now)).is_ok() && fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
}
