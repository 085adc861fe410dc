//! Files and folders only their owner can read, created that way from the start: the
//! database, the Matrix store and session, and exported rosters hold personal data and
//! tokens. Setting permissions after creation would leave a moment in which others could
//! open them.

use std::io::Write;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates `dir` and any missing parents as 0700 (folders that exist are left as they are).
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

/// Creates `path` empty as 0600 if it does not exist yet.
pub fn create_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates `path` empty as 0600; fails if anything is there already (a link included, which
/// is not followed).
pub fn create_new(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).map(|_| ())
}

/// Writes `data` to `path`, created as 0600; an existing file is narrowed to 0600 first.
pub fn write(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(data)?;
    file.sync_all()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_owner_only_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("a/b");
        create_dir(&store).unwrap();
        assert_eq!(mode(&store), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        let db = dir.path().join("convoca.db");
        create_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let csv = dir.path().join("roster.csv");
        std::fs::write(&csv, b"old").unwrap();
        std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&csv, b"new").unwrap();
        assert_eq!((mode(&csv), std::fs::read(&csv).unwrap()), (0o600, b"new".to_vec()));
    }
}
