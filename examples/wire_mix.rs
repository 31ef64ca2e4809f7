//! Prints generated wire articles as JSON Lines (the articles topic's schema): the mix the
//! end-to-end benchmark feeds (seed 42 there), from the generator the Kafka tests share.
//! `scripts/build-pgo.sh` trains its profile on another seed of it.
//!
//!     cargo run --example wire_mix -- COUNT [SEED] > articles.jsonl

#[path = "../tests/kafka_common/articles.rs"]
mod articles;

use std::io::{BufWriter, Write};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: wire_mix COUNT [SEED]";
    let count: usize = args.next().ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let seed: u64 = args.next().map_or(Ok(42), |s| s.parse())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for i in 0..count {
        let (_, json) = articles::wire_article(seed, i);
        out.write_all(&json)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
