//! JSON Lines writers for claim records and rejected input.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::record::{json, ClaimRecord};

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
            Some(p) if p != Path::new("-") => {
                drop_partial_line(p)?;
                Box::new(
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(p)?,
                )
            }
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

    /// A line made beforehand, e.g. by [`record_line`].
    pub fn write_line(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.out.write_all(line)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A claim record's line for [`JsonLines::write_line`], newline included: the same line as
/// [`JsonLines::write`] writes, by the hand-written writer ([`json::write_record`]) at a
/// third of serde_json's cost.
pub fn record_line(record: &ClaimRecord) -> Vec<u8> {
    let mut line = json::record_to_vec(record);
    line.push(b'\n');
    line
}

/// Cuts a trailing partial line from a JSON Lines file: what a crash left half-written.
/// Every complete line ends with a newline, so the partial one was never reported done and
/// the rerun writes it again whole.
fn drop_partial_line(path: &Path) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let mut keep = len;
    let mut buf = vec![0u8; 64 * 1024];
    // Scan back from the end for the last newline.
    while keep > 0 {
        let start = keep.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(keep - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            keep = start + i as u64 + 1;
            break;
        }
        keep = start;
    }
    if keep < len {
        tracing::warn!(
            path = %path.display(),
            bytes = len - keep,
            "Output file ended in a partial record, left by an interrupted run; it was cut off and will be written again whole."
        );
        file.set_len(keep)?;
    }
    Ok(())
}

/// Creates an empty file, so "no rejects" is visible as an empty rejects file.
pub fn touch(path: &Path) -> std::io::Result<()> {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_last_line_is_cut_and_complete_lines_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "{\"a\":1}\n{\"b\":2}\n{\"c\":").unwrap();
        let mut out = JsonLines::open(Some(&path)).unwrap();
        out.write(&serde_json::json!({"c": 3})).unwrap();
        out.flush().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"
        );
    }

    #[test]
    fn a_file_without_any_newline_is_all_partial() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "{\"half").unwrap();
        drop_partial_line(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        drop_partial_line(&dir.path().join("missing.jsonl")).unwrap();
    }
}
