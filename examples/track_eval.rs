//! Claim tracking over a stream of one-quote wire items, for scoring judgement on its own.
//!
//!     cargo run --release --no-default-features --example track_eval -- ARTICLES.jsonl \
//!         [--model-dir models/all-MiniLM-L6-v2] [--features FEATURES.jsonl] > records.jsonl
//!
//! Each item's quote (inside “…”) and speaker (the capitalised name next to "said"/"told",
//! titles stripped) are pulled out with a simple pattern good enough for such templated
//! items; then the real `Identities` + `Memory` judgement runs, as the pipeline does it, and
//! one claim record per item is printed in the shape the tracking scorer reads.
//! `--features` also writes the measurements of every judged pair (for tuning).

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use claimwire::claim::SpeakerKind;
use claimwire::embed::Encoder;
use claimwire::speaker::{Aliases, Identities};
use claimwire::track::{features, Memory, Probe, View};
use regex::Regex;
use serde_json::json;

/// Words that are titles, roles or template words, never part of a name.
const NOT_NAME: &[&str] = &[
    "State",
    "Senator",
    "Governor",
    "Lieutenant",
    "Party",
    "Chair",
    "Campaign",
    "Spokesperson",
    "Councilmember",
    "Council",
    "Deputy",
    "Mayor",
    "Attorney",
    "General",
    "Treasurer",
    "Assembly",
    "Member",
    "County",
    "Commissioner",
    "City",
    "Regional",
    "In",
    "Speaking",
    "The",
    "A",
    "President",
    "Minister",
    "Secretary",
    "Senior",
    "Official",
    "Representative",
    "Rep",
    "Sen",
    "Gov",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
];

fn speaker_of(frame: &str) -> Option<String> {
    // The capitalised run right before "said"/"told" or before ", a …,"/", the …,".
    let re = Regex::new(
        r"((?:\p{Lu}[\p{L}'’.-]*\s+)*\p{Lu}[\p{L}'’.-]*)(?:\s+(?:said|told)\b|,\s+(?:a|an|the)\s)",
    )
    .unwrap();
    let mut best = None;
    for cap in re.captures_iter(frame) {
        let words: Vec<&str> = cap[1]
            .split_whitespace()
            .filter(|w| !NOT_NAME.contains(&w.trim_end_matches('.')))
            .collect();
        if !words.is_empty() {
            best = Some(words.join(" "));
        }
    }
    best
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut input = None;
    let mut model_dir: Option<PathBuf> = None;
    let mut features_out: Option<PathBuf> = None;
    let mut embed_texts: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--embed" => embed_texts.extend(args.next()),
            "--model-dir" => model_dir = args.next().map(PathBuf::from),
            "--features" => features_out = args.next().map(PathBuf::from),
            _ => input = Some(PathBuf::from(a)),
        }
    }
    if !embed_texts.is_empty() {
        // Cross-check against a reference implementation: token ids and the embedding.
        let e = Encoder::load(
            model_dir
                .as_deref()
                .unwrap_or("models/all-MiniLM-L6-v2".as_ref()),
        )?;
        for t in &embed_texts {
            println!(
                "{}",
                json!({"text": t, "ids": e.token_ids(t), "embedding": e.embed_f32(t)})
            );
        }
        return Ok(());
    }
    let input = input.ok_or_else(|| {
        anyhow::anyhow!("usage: track_eval ARTICLES.jsonl [--model-dir DIR] [--features FILE]")
    })?;
    let encoder = match &model_dir {
        Some(dir) => {
            let t = Instant::now();
            let e = Encoder::load(dir)?;
            eprintln!(
                "encoder loaded from {} in {:.2?}",
                dir.display(),
                t.elapsed()
            );
            Some(e)
        }
        None => {
            eprintln!("no --model-dir: lexical judgement only");
            None
        }
    };
    let aliases = std::fs::read_to_string("config/aliases.toml")
        .ok()
        .map(|t| Aliases::parse(&t))
        .transpose()?
        .unwrap_or_default();
    let identities = Identities::new(aliases);
    let quote = Regex::new(r"(?s)“(.*)”").unwrap();
    let mut memory = Memory::new();
    let mut feats = features_out
        .map(|p| std::fs::File::create(p).map(BufWriter::new))
        .transpose()?;
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    let (mut encode_time, mut judge_time, mut n) = (0.0f64, Vec::new(), 0usize);
    struct Item {
        id: String,
        text: String,
        name: Option<String>,
        speaker_id: String,
        date: Option<String>,
    }
    let mut items = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(&input)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let item: serde_json::Value = serde_json::from_str(&line)?;
        let id = item["id"].as_str().unwrap_or_default().to_owned();
        let body = item["body"].as_str().unwrap_or_default();
        let date = item["published_at"]
            .as_str()
            .map(|d| d[..d.len().min(10)].to_owned());
        let Some(cap) = quote.captures(body) else {
            continue;
        };
        let text = cap[1].trim_end_matches([',', ' ']).to_owned();
        let frame = quote.replace(body, " | ");
        let frame = frame.split(" — ").last().unwrap_or(&frame);
        let name = speaker_of(frame);
        let Some(speaker_id) = identities.resolve(SpeakerKind::Person, name.as_deref()) else {
            continue;
        };
        items.push(Item {
            id,
            text,
            name,
            speaker_id,
            date,
        });
    }
    // Encoding does not depend on memory: the whole stream is encoded in batches first.
    let t = Instant::now();
    let mut embeddings: Vec<Option<claimwire::embed::Embedding>> = match &encoder {
        Some(e) => {
            let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
            e.embed_batch(&texts).into_iter().map(Some).collect()
        }
        None => vec![None; items.len()],
    };
    encode_time += t.elapsed().as_secs_f64();
    for (
        k,
        Item {
            id,
            text,
            name,
            speaker_id,
            date,
        },
    ) in items.into_iter().enumerate()
    {
        let claim_id = format!("{id}:0");
        let embedding = embeddings[k].take();
        let probe = Probe::new(&text, embedding);
        let t = Instant::now();
        let history = memory.judge(&speaker_id, &probe, date.clone());
        judge_time.push(t.elapsed().as_secs_f64());
        n += 1;
        if let Some(f) = feats.as_mut() {
            for (cid, e) in memory.entries_of(&speaker_id) {
                let view = View {
                    normalized: &probe.normalized,
                    anchors: &probe.anchors,
                    embedding: probe.embedding.as_ref().map(|e| e.as_ref()),
                };
                let fe = features(view, e);
                writeln!(f, "{}", json!({"later": id, "earlier_claim": cid, "f": fe}))?;
            }
        }
        let record = json!({
            "article_id": id,
            "claim_id": claim_id,
            "text": text,
            "speaker": {"id": speaker_id, "name": name},
            "history": history,
        });
        writeln!(out, "{record}")?;
        let seq = memory.next_seq();
        memory.insert(probe.into_entry(seq, claim_id, id, speaker_id, &history));
    }
    out.flush()?;
    judge_time.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        judge_time
            .get(((judge_time.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
            * 1e3
    };
    let encoding = if encoder.is_some() {
        format!(
            "encoding {:.1} claims/s (batched)",
            n as f64 / encode_time.max(1e-9)
        )
    } else {
        "no encoding (lexical)".to_owned()
    };
    eprintln!(
        "{n} claims; {encoding}; judgement p50 {:.3} ms p99 {:.3} ms; memory ≈ {:.0} B/claim beyond text",
        pct(0.5),
        pct(0.99),
        memory.bytes_per_claim()
    );
    Ok(())
}
