//! Plain-text wire stories, such as `examples/seed-article.txt`.
//!
//! The optional first line part `date YYYY-MM-DD City:` gives the publication date and the
//! dateline. The body is kept exactly as read, dateline included, so claim offsets point into
//! the text the user has.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::{Article, RejectionReason};

static DATELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+([^:\n]{1,60}):").unwrap());

/// Parses a plain-text story. `id` comes from the file name or `--id`.
pub fn parse_wire_text(id: &str, raw: &[u8], max_bytes: usize) -> Result<Article, RejectionReason> {
    if raw.len() > max_bytes {
        return Err(RejectionReason::TooLarge {
            size: raw.len(),
            limit: max_bytes,
        });
    }
    let body = std::str::from_utf8(raw).map_err(|e| RejectionReason::NotUtf8(e.valid_up_to()))?;
    if id.trim().is_empty() {
        return Err(RejectionReason::EmptyId);
    }
    let published_on = DATELINE
        .captures(body)
        .and_then(|c| NaiveDate::parse_from_str(&c[1], "%Y-%m-%d").ok());
    Ok(Article {
        id: id.to_owned(),
        body: body.to_owned(),
        title: None,
        source: None,
        published_on,
        published_at: published_on.map(|d| d.to_string()),
        url: None,
        language: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dateline_gives_the_date_and_the_body_is_kept_whole() {
        let raw =
            " date 2024-02-09 Lisbon: Minister Rui Costa said on Thursday that ports will reopen.";
        let article = parse_wire_text("lisbon-1", raw.as_bytes(), 1 << 20).unwrap();
        assert_eq!(article.published_on.unwrap().to_string(), "2024-02-09");
        assert_eq!(article.body, raw);
    }

    #[test]
    fn a_story_without_dateline_has_no_date() {
        let article = parse_wire_text("x", b"Plain text.", 100).unwrap();
        assert_eq!(article.published_on, None);
    }
}
