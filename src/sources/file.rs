//! Articles from files or stdin: JSON Lines (one article object a line) or a plain-text wire
//! story (the whole input is one article).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::article::{parse_json, parse_wire_text, Article, RejectionReason};

/// The layout of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON article object per line.
    JsonLines,
    /// The whole input is one plain-text story.
    WireText,
}

impl Format {
    /// Guesses the format from the file name, then from the first non-blank byte.
    pub fn detect(path: Option<&Path>, head: &[u8]) -> Format {
        let ext = path
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            Some("txt") => Format::WireText,
            _ => match head.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{') => Format::JsonLines,
                _ => Format::WireText,
            },
        }
    }
}

/// The inputs named on a command line: no file, or "-", is stdin (`None`).
pub fn inputs(files: &[PathBuf]) -> Vec<Option<PathBuf>> {
    if files.is_empty() {
        return vec![None];
    }
    files
        .iter()
        .map(|p| (p.as_os_str() != "-").then(|| p.clone()))
        .collect()
}

/// Opens one input: its name for origins and messages, and a reader.
pub fn open(input: Option<&Path>) -> std::io::Result<(String, Box<dyn Read>)> {
    Ok(match input {
        Some(path) => (
            path.display().to_string(),
            Box::new(std::fs::File::open(path).map_err(|e| {
                std::io::Error::new(e.kind(), format!("opening {}: {e}", path.display()))
            })?),
        ),
        None => ("stdin".to_owned(), Box::new(std::io::stdin().lock())),
    })
}

/// One input record: where it came from and what it became.
pub struct Item {
    /// "file:line" for JSON Lines, the file name for a story.
    pub origin: String,
    /// Bytes read for this record, for progress.
    pub bytes: usize,
    /// The raw record, kept for the rejects file.
    pub raw: Vec<u8>,
    /// The article, or why there is none.
    pub parsed: Result<Article, RejectionReason>,
}

/// Reads every record of one input. `name` labels origins; `id` is the article id of a
/// plain-text story (default: the file stem).
pub fn read_input(
    name: &str,
    path: Option<&Path>,
    mut input: impl Read,
    id: Option<&str>,
    max_bytes: usize,
    mut each: impl FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, &mut input);
    let head = reader.fill_buf()?.to_vec();
    match Format::detect(path, &head) {
        Format::WireText => {
            let mut raw = Vec::new();
            // Read one byte past the limit, so an oversize story is rejected, not truncated.
            reader
                .by_ref()
                .take(max_bytes as u64 + 1)
                .read_to_end(&mut raw)?;
            let default_id = path
                .and_then(|p| p.file_stem())
                .and_then(|s| s.to_str())
                .unwrap_or("stdin");
            let parsed = parse_wire_text(id.unwrap_or(default_id), &raw, max_bytes);
            each(Item {
                origin: name.to_owned(),
                bytes: raw.len(),
                raw,
                parsed,
            })
        }
        Format::JsonLines => {
            let mut line_no = 0usize;
            let mut line = Vec::new();
            loop {
                line.clear();
                let n = read_line_bounded(&mut reader, &mut line, max_bytes)?;
                if n == 0 {
                    return Ok(());
                }
                line_no += 1;
                let trimmed = trim_line(&line);
                if trimmed.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let parsed = if n > line.len() {
                    Err(RejectionReason::TooLarge {
                        size: n,
                        limit: max_bytes,
                    })
                } else {
                    parse_json(trimmed, max_bytes)
                };
                each(Item {
                    origin: format!("{name}:{line_no}"),
                    bytes: n,
                    raw: trimmed.to_vec(),
                    parsed,
                })?;
            }
        }
    }
}

/// Reads one line, keeping at most `max + 1` bytes of it; returns the full length read
/// (including the newline), so an oversize line is reported with its real size.
fn read_line_bounded(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(total);
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let room = (max + 1).saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        total += used;
        reader.consume(used);
        if done {
            return Ok(total);
        }
    }
}

fn trim_line(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(name: &str, data: &[u8], max: usize) -> Vec<Item> {
        let mut items = Vec::new();
        read_input(name, None, data, None, max, |item| {
            items.push(item);
            Ok(())
        })
        .unwrap();
        items
    }

    #[test]
    fn json_lines_are_numbered_and_blank_lines_skipped() {
        let data =
            b"{\"id\":\"a\",\"body\":\"x\"}\n\n  \nnot json\r\n{\"id\":\"b\",\"body\":\"y\"}";
        let items = collect("in", data, 1000);
        let origins: Vec<_> = items.iter().map(|i| i.origin.as_str()).collect();
        assert_eq!(origins, ["in:1", "in:4", "in:5"]);
        assert!(items[0].parsed.is_ok());
        assert_eq!(items[1].parsed.as_ref().unwrap_err().code(), "not_json");
        assert_eq!(items[1].raw, b"not json");
        assert_eq!(items[2].parsed.as_ref().unwrap().id, "b");
    }

    #[test]
    fn an_oversize_line_is_rejected_with_its_real_size_and_the_next_is_read() {
        let long = format!("{{\"id\":\"a\",\"body\":\"{}\"}}\n", "z".repeat(500));
        let data = format!("{long}{{\"id\":\"b\",\"body\":\"ok\"}}\n");
        let items = collect("in", data.as_bytes(), 100);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].parsed.as_ref().unwrap_err(),
            &RejectionReason::TooLarge {
                size: long.len(),
                limit: 100
            }
        );
        assert_eq!(items[1].parsed.as_ref().unwrap().id, "b");
    }

    #[test]
    fn plain_text_is_one_story() {
        let items = collect("story", b"date 2024-05-02 Oslo: Text.", 1000);
        assert_eq!(items.len(), 1);
        let article = items[0].parsed.as_ref().unwrap();
        assert_eq!(article.id, "stdin");
        assert_eq!(article.published_on.unwrap().to_string(), "2024-05-02");
    }
}
