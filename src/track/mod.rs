//! Claim memory: everything each speaker said, and the judgement of a new claim against it.
//!
//! Pure and in-memory: the durable copy lives in `crate::store`, which hands every stored
//! claim back at start-up through [`Memory::insert`] (embeddings included, so a restart does
//! not re-encode). Embeddings come from `crate::embed` when a model is loaded; without one,
//! judgement is lexical.
//!
//! - [`Memory`]: per speaker, the claims plus an index (exact text hash, stem postings,
//!   a contiguous i8 embedding arena scanned whole up to 2,048 claims and through LSH past
//!   that); candidate search picks at most a few dozen earlier claims to judge.
//! - [`judge_pair`]: one new claim against one earlier claim. A same-claim score
//!   (0.85 × cosine + 0.15 × word overlap; overlap alone without a model) decides
//!   paraphrase / related / unrelated, and explicit checks on the aligned words decide what
//!   similarity cannot: a negation or antonym flip → `reversal`, a swapped name, number or
//!   date → `related` (another claim, neither a repeat nor the speaker's reversal).
//! - [`normalize`], [`words`], [`stem`], [`anchors`]: the text forms they compare; `vocab`
//!   remembers per thread what judgement asks of each word (stopword? negator? its stem,
//!   the stem's hash and flags), so that a word is worked out once, not in every claim.

mod judge;
mod memory;
mod text;
mod vocab;

pub use judge::{
    analyze, decide, features, features_analyzed, features_with, judge_analyzed, judge_pair,
    judge_prepared, same_claim_score, Analysis, Content, Features, Judgement, View,
};
pub use memory::{Entry, Memory, Probe, Shard, DEFAULT_MEMORY_CLAIMS};
pub use text::{anchors, normalize, stem, tokens, words};
