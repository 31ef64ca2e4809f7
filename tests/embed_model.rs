//! The sentence encoder against the real all-MiniLM-L6-v2 weights.
//!
//! The model is fetched by `scripts/fetch-model.sh` (scripts/test.sh does it; CI too). Without
//! it these tests say so and pass, unless `CLAIMWIRE_REQUIRE_MODEL` is set, as CI sets it.

use std::path::PathBuf;

use claimwire::embed::Encoder;

fn encoder() -> Option<Encoder> {
    let dir = std::env::var_os("CLAIMWIRE_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
        });
    if !dir.join("model.safetensors").exists() {
        assert!(
            std::env::var_os("CLAIMWIRE_REQUIRE_MODEL").is_none(),
            "CLAIMWIRE_REQUIRE_MODEL is set but there is no model in {}",
            dir.display()
        );
        eprintln!("no model in {}: encoder tests skipped", dir.display());
        return None;
    }
    Some(Encoder::load(&dir).expect("the model loads"))
}

const SENTENCE: &str = "The new container terminal will open before the end of the year.";

#[test]
fn tokens_are_bert_uncased_wordpieces() {
    let Some(enc) = encoder() else { return };
    // Ids looked up by hand in the model's vocab.txt.
    assert_eq!(
        enc.token_ids(SENTENCE),
        [101, 1996, 2047, 11661, 5536, 2097, 2330, 2077, 1996, 2203, 1997, 1996, 2095, 1012, 102]
    );
}

#[test]
fn embeddings_match_an_independent_float64_forward_pass() {
    let Some(enc) = encoder() else { return };
    let e = enc.embed_f32(SENTENCE);
    assert_eq!(e.len(), 384);
    let norm: f32 = e.iter().map(|v| v * v).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
    // First dimensions from a NumPy float64 implementation of BERT + mean pooling over the
    // same safetensors weights.
    let reference = [
        0.07728, -0.01337, 0.03388, -0.04871, 0.06468, 0.01877, -0.12603, -0.01308,
    ];
    for (i, (got, want)) in e.iter().zip(reference).enumerate() {
        assert!((got - want).abs() < 2e-4, "dim {i}: {got} vs {want}");
    }
}

#[test]
fn paraphrases_are_closer_than_other_claims_and_batches_change_nothing() {
    let Some(enc) = encoder() else { return };
    let texts = [
        SENTENCE,
        "The container terminal is going to open before this year is over.",
        "Wages in the farming sector have stagnated for a decade.",
    ];
    let batch = enc.embed_batch(&texts);
    let single: Vec<_> = texts.iter().map(|t| enc.embed(t)).collect();
    assert_eq!(batch, single);
    let paraphrase = batch[0].cosine(&batch[1]);
    let other = batch[0].cosine(&batch[2]);
    assert!(paraphrase > 0.7, "{paraphrase}");
    assert!(other < 0.3, "{other}");
}
