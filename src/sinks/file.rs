//! JSON Lines writers for claim records and rejected input.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

/// Writes one JSON value per line to a file or stdout.
pub struct JsonLines {
    /// Buffered; flushed after every batch, so what was reported done is on disk.
    out: BufWriter<Box<dyn Write + Send>>,
}

impl JsonLines {
    /// Writes to `path` (appending, so a rerun after a crash adds, never truncates), or to
    /// stdout when `path` is `None` or "-".
    pub fn open(path: Option<&Path>) -> std::io::Result<Self> {
        let sink: Box<dyn Write + Send> = match path {
            Some(p) if p != Path::new("-") => Box::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            ),
            _ => Box::new(std::io::stdout()),
        };
        Ok(JsonLines {
            out: BufWriter::with_capacity(1 << 16, sink),
        })
    }

    pub fn write<T: Serialize>(&mut self, value: &T) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        self.out.write_all(b"\n")
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Creates an empty file, so "no rejects" is visible as an empty rejects file.
pub fn touch(path: &Path) -> std::io::Result<()> {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
}
