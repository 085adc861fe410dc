//! Errors in the organizers' content, each pointing at a file and, where the format allows,
//! a line.

use std::fmt;
use std::path::{Path, PathBuf};

/// One thing wrong in `commands/`: which file, which line, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    /// The file that holds the mistake (or the folder, when a file is missing).
    pub file: PathBuf,
    /// 1-based line of the mistake when it can be known.
    pub line: Option<usize>,
    /// What is wrong, written for an organizer.
    pub message: String,
}

impl ContentError {
    /// An error about a whole file.
    pub fn file(file: &Path, message: impl Into<String>) -> ContentError {
        ContentError { file: file.to_path_buf(), line: None, message: message.into() }
    }

    /// An error at a byte offset of `source`, turned into a line number.
    pub fn at(file: &Path, source: &str, offset: usize, message: impl Into<String>) -> ContentError {
        ContentError { file: file.to_path_buf(), line: Some(line_of(source, offset)), message: message.into() }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ContentError {}

/// Every mistake found in one load: the folder is accepted only when this is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ContentErrors {}

/// File by file, line by line, as an organizer fixes them (a whole file's errors before its
/// lines'; errors at one line in the order they were found).
pub(crate) fn in_reading_order(errors: &mut [ContentError]) {
    errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
}

/// 1-based line number of a byte offset.
pub fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines() {
        let src = "a = 1\nb = 2\nc = 3\n";
        assert_eq!(line_of(src, 0), 1);
        assert_eq!(line_of(src, 6), 2);
        assert_eq!(line_of(src, 13), 3);
        assert_eq!(line_of(src, 10_000), 4);
    }

    #[test]
    fn display_names_file_and_line() {
        let e = ContentError {
            file: "commands/meetings/monthly.toml".into(),
            line: Some(7),
            message: "unknown time zone".into(),
        };
        assert_eq!(e.to_string(), "commands/meetings/monthly.toml:7: unknown time zone");
    }
}
