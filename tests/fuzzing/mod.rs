//! The fuzzing harness: budget, seeds, regression replay, panic capture and
//! a watchdog for hangs. Each target turns bytes into calls (targets.rs);
//! the mutator makes the bytes (mutate.rs).

mod mutate;
mod targets;

pub use targets::Target;

use mutate::Mutator;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// A case running longer than this is a hang.
const HANG: Duration = Duration::from_secs(20);

/// Whether this thread runs a case, and what its panic said.
enum Capture {
    Off,
    Armed,
    Caught(String),
}

thread_local! {
    /// Armed while a case runs: its panic is recorded, not printed.
    static CAPTURE: RefCell<Capture> = const { RefCell::new(Capture::Off) };
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                match *c {
                    Capture::Armed | Capture::Caught(_) => {
                        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
                        let message = info
                            .payload()
                            .downcast_ref::<&str>()
                            .map(ToString::to_string)
                            .or_else(|| info.payload().downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        *c = Capture::Caught(format!("{place}: {message}"));
                        true
                    }
                    Capture::Off => false,
                }
            });
            if !captured {
                default(info);
            }
        }));
    });
}

/// Runs one case; the panic message (with its place) when it panicked.
fn run_case(target: &mut targets::State, case: &[u8]) -> Option<String> {
    CAPTURE.with(|c| *c.borrow_mut() = Capture::Armed);
    let result = panic::catch_unwind(AssertUnwindSafe(|| target.run(case)));
    let message = match CAPTURE.with(|c| c.replace(Capture::Off)) {
        Capture::Caught(message) => Some(message),
        Capture::Armed | Capture::Off => None,
    };
    match result {
        Ok(()) => None,
        Err(_) => Some(message.unwrap_or_else(|| "panic without a message".into())),
    }
}

fn regressions_dir(target: Target) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions").join(target.name())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// FNV-1a: a stable name for a kept case.
fn case_name(case: &[u8]) -> String {
    let hash = case.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// Watches the running case; a case that never ends is written down (for
/// bench/fuzz.sh to keep) and the process aborted, since it cannot be
/// interrupted from here.
struct Watchdog {
    origin: Instant,
    started: Arc<AtomicU64>,
    case: Arc<Mutex<Vec<u8>>>,
    done: Arc<AtomicBool>,
}

impl Watchdog {
    fn start(target: Target) -> Watchdog {
        let started = Arc::new(AtomicU64::new(0));
        let case = Arc::new(Mutex::new(Vec::new()));
        let done = Arc::new(AtomicBool::new(false));
        let origin = Instant::now();
        let (s, c, d) = (Arc::clone(&started), Arc::clone(&case), Arc::clone(&done));
        // Milliseconds since `origin` when the running case began (0: none).
        std::thread::spawn(move || {
            while !d.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                let at = s.load(Ordering::Relaxed);
                if at > 0 && (origin.elapsed().as_millis() as u64).saturating_sub(at) > HANG.as_millis() as u64 {
                    let case = c.lock().map(|c| c.clone()).unwrap_or_default();
                    eprintln!("fuzz {}: hang over {HANG:?} on {:?}", target.name(), String::from_utf8_lossy(&case));
                    if let Ok(dir) = std::env::var("PLAYBOOK_FUZZ_DIR") {
                        let _ = std::fs::write(Path::new(&dir).join(format!("{}.hang", target.name())), &case);
                    }
                    std::process::abort();
                }
            }
        });
        Watchdog { origin, started, case, done }
    }

    fn begin(&self, case: &[u8]) {
        if let Ok(mut c) = self.case.lock() {
            c.clear();
            c.extend_from_slice(case);
        }
        self.started.store((self.origin.elapsed().as_millis() as u64).max(1), Ordering::Relaxed);
    }

    fn end(&self) {
        self.started.store(0, Ordering::Relaxed);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

pub struct Harness;

impl Harness {
    /// Replays the kept cases, then runs random ones for the budget
    /// (`PLAYBOOK_FUZZ_SECONDS`, default 3); fails listing every panic site.
    pub fn run(target: Target) {
        install_hook();
        let seconds = env_number("PLAYBOOK_FUZZ_SECONDS", 3);
        let seed = env_number("PLAYBOOK_FUZZ_SEED", 0x5eed) ^ target.name().len() as u64;
        // bench/fuzz.sh: the case in flight goes to a file first, so an abort
        // (which no harness survives) still leaves its input behind.
        let flight =
            std::env::var("PLAYBOOK_FUZZ_DIR").ok().map(|d| Path::new(&d).join(format!("{}.current", target.name())));
        let mut state = targets::State::new(target);
        let mut failures: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let watchdog = Watchdog::start(target);
        let origin = Instant::now();

        let mut kept: Vec<PathBuf> = std::fs::read_dir(regressions_dir(target))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        kept.sort();
        for path in &kept {
            let case = std::fs::read(path).expect("kept case");
            watchdog.begin(&case);
            if let Some(message) = run_case(&mut state, &case) {
                failures.entry(message).or_insert(case);
            }
            watchdog.end();
        }

        let mut mutator = Mutator::new(seed, target.seeds());
        let mut cases = 0u64;
        let budget = Duration::from_secs(seconds);
        while origin.elapsed() < budget {
            let case = if target == Target::Cli && mutator.coin() {
                targets::cli_case(&mut mutator)
            } else {
                mutator.next_case(target.tokens())
            };
            if let Some(path) = &flight {
                let _ = std::fs::write(path, &case);
            }
            watchdog.begin(&case);
            if let Some(message) = run_case(&mut state, &case) {
                failures.entry(message).or_insert(case);
            }
            watchdog.end();
            cases += 1;
            state.recycle(cases);
        }
        drop(watchdog);
        eprintln!(
            "fuzz {}: {} kept + {cases} random cases in {seconds} s, {} panic site(s)",
            target.name(),
            kept.len(),
            failures.len()
        );
        if failures.is_empty() {
            return;
        }
        if std::env::var("PLAYBOOK_FUZZ_SAVE").is_ok() {
            let dir = regressions_dir(target);
            std::fs::create_dir_all(&dir).expect("regressions dir");
            for case in failures.values() {
                std::fs::write(dir.join(case_name(case)), case).expect("keep case");
            }
        }
        let report: Vec<String> = failures
            .iter()
            .map(|(message, case)| format!("  {message}\n    input: {:?}", String::from_utf8_lossy(case)))
            .collect();
        panic!("fuzz {}: {} panic site(s):\n{}", target.name(), failures.len(), report.join("\n"));
    }
}
