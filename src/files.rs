//! Files and directories we create: private to the user under any umask
//! (directories 0700, files 0600), and I/O errors said once, in words.

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

/// Creates `dir` and its missing parents, each new one 0700.
pub fn create_dirs(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    options
}

/// An existing file we rewrite or append to is made private too: it may
/// have been created by an older build, or by the user's umask.
fn make_private(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Creates a new, empty file, 0600; fails if it exists.
pub fn create_new(path: &Path) -> io::Result<()> {
    private(OpenOptions::new().write(true).create_new(true)).open(path).map(drop)
}

/// Writes `bytes` to `path` (created or replaced), 0600. A symbolic link
/// there is not followed: a planted link cannot aim the write elsewhere.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    let mut file = private(&mut options).open(path)?;
    make_private(&file)?;
    file.write_all(bytes)
}

/// Opens `path` for appending (a log), creating it 0600.
pub fn append(path: &Path) -> io::Result<File> {
    let file = private(OpenOptions::new().create(true).append(true)).open(path)?;
    make_private(&file)?;
    Ok(file)
}

/// Reads a text file the user named (a play, a config, keys), at most
/// `max` bytes; the error says which file and why, in words.
pub fn read_text(path: &Path, max: u64) -> Result<String, String> {
    use std::io::Read as _;
    let fail = |why: String| format!("cannot read {}: {why}", path.display());
    // `--config /dev/null` is how one says "no config file"; other devices
    // and pipes are refused below (a terminal or a FIFO would wait forever).
    if path == Path::new("/dev/null") {
        return Ok(String::new());
    }
    let meta = std::fs::metadata(path).map_err(|e| fail(describe(&e)))?;
    if !meta.is_file() {
        return Err(fail("it is not a regular file".into()));
    }
    // Read at most one byte past the limit: the size a file claims is not trusted.
    let mut bytes = Vec::new();
    let file = File::open(path).map_err(|e| fail(describe(&e)))?;
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| fail(describe(&e)))?;
    if bytes.len() as u64 > max {
        return Err(fail(format!("it is over {max} bytes; at most that much is read")));
    }
    String::from_utf8(bytes).map_err(|_| fail("it is not UTF-8 text".into()))
}

/// Whether two paths name the same file (both must exist).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Whether other users can read `path` (group or world bits set).
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// An I/O error in words, without the OS's error number: "permission
/// denied", "no such file or directory", ...
pub fn describe(e: &io::Error) -> String {
    use io::ErrorKind as K;
    #[cfg(unix)]
    if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        return "it is a symbolic link; name the file itself".into();
    }
    let words = match e.kind() {
        K::NotFound => "no such file or directory",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it already exists",
        K::NotADirectory => "a part of the path is a file, not a directory",
        K::IsADirectory => "it is a directory",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::StorageFull => "the disk is full",
        K::InvalidData => "it is not UTF-8 text",
        _ => {
            let text = e.to_string();
            return match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
        }
    };
    words.to_string()
}

/// Other processes that have `path` open, as `pid 123 (playbook import x.csv)`:
/// who to wait for when the database is busy. Linux only (read from
/// /proc); elsewhere, and when /proc cannot be read, nobody is named.
pub fn holders(path: &Path) -> Vec<String> {
    let Ok(target) = std::fs::canonicalize(path) else { return Vec::new() };
    let Ok(procs) = std::fs::read_dir("/proc") else { return Vec::new() };
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in procs.flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if pid == me || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else { continue };
        let holds = fds.flatten().any(|fd| std::fs::read_link(fd.path()).is_ok_and(|link| link == target));
        if holds {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let words: Vec<String> = cmdline
                .split(|b| *b == 0)
                .filter(|w| !w.is_empty())
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect();
            let program = words.first().map(|w| w.rsplit('/').next().unwrap_or(w).to_string()).unwrap_or_default();
            let command = std::iter::once(program).chain(words.into_iter().skip(1)).collect::<Vec<_>>().join(" ");
            found.push(format!("pid {pid} ({})", crate::text::fit(&command, 60)));
        }
        if found.len() == 3 {
            break;
        }
    }
    found
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn dev_null_reads_as_empty_other_non_files_are_refused() {
        use std::path::Path;
        assert_eq!(super::read_text(Path::new("/dev/null"), 10).as_deref(), Ok(""));
        let dir = super::read_text(Path::new("/tmp"), 10).expect_err("a directory");
        assert!(dir.contains("not a regular file"), "{dir}");
        let zero = super::read_text(Path::new("/dev/zero"), 10).expect_err("a device");
        assert!(zero.contains("not a regular file"), "{zero}");
    }

    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("exists").permissions().mode() & 0o777
    }

    #[test]
    fn what_we_create_is_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a/b");
        create_dirs(&nested).expect("dirs");
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        let file = nested.join("rejects.csv");
        write(&file, b"x").expect("write");
        assert_eq!(mode(&file), 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(readable_by_others(&file));
        write(&file, b"y").expect("rewrite");
        assert_eq!(mode(&file), 0o600, "a rewritten file is made private");
        drop(append(&nested.join("playbook.log")).expect("log"));
        assert_eq!(mode(&nested.join("playbook.log")), 0o600);
    }

    #[test]
    fn errors_read_without_os_numbers() {
        let e = std::fs::read("/definitely/not/here").expect_err("missing");
        assert_eq!(describe(&e), "no such file or directory");
    }
}
