//! Runs `claimwire::extract::extract` over articles and prints one JSON line per claim.
//!
//!     cargo run --release --no-default-features --example extract_eval -- ARTICLES.jsonl
//!
//! ARTICLES is JSONL (one article per line) or a single JSON object, with `id`, `body` and
//! `published_at` ("YYYY-MM-DD" or RFC 3339).

use std::io::Write;

use chrono::NaiveDate;
use serde_json::{json, Value};

fn published(v: &Value) -> Option<NaiveDate> {
    let s = v.get("published_at")?.as_str()?;
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: extract_eval ARTICLES.jsonl"))?;
    let text = std::fs::read_to_string(&path)?;
    let trimmed = text.trim();
    let articles: Vec<Value> = if trimmed.starts_with('{') && !trimmed.contains("\n{") {
        vec![serde_json::from_str(trimmed)?]
    } else {
        trimmed
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for a in &articles {
        let id = match a.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => continue,
        };
        let body = a
            .get("body")
            .or_else(|| a.get("text"))
            .and_then(Value::as_str)
            .unwrap_or("");
        for c in claimwire::extract::extract(body, published(a)) {
            let rec = json!({
                "article_id": id,
                "text": c.text,
                "kind": c.kind,
                "span": {"start": c.span.start, "end": c.span.end},
                "speaker": {
                    "name": c.speaker.name,
                    "title": c.speaker.title,
                    "kind": c.speaker.kind,
                    "mention": {"text": c.speaker.mention.text, "start": c.speaker.mention.start, "end": c.speaker.mention.end},
                },
                "cue": c.cue.as_ref().map(|l| json!({"text": l.text, "start": l.start, "end": l.end})),
                "medium": c.medium,
                "stated_on": c.stated_on,
            });
            writeln!(out, "{rec}")?;
        }
    }
    Ok(())
}
