//! Claim memory: everything each speaker said, and the judgement of a new claim against it.
//!
//! Pure and in-memory: the durable copy lives in `crate::store`, which hands every stored
//! claim back at start-up through [`Memory::insert`]. Embeddings come from `crate::embed`
//! when a model is loaded; without one, judgement is lexical.

mod judge;
mod memory;
mod text;

pub use judge::{
    analyze, decide, features, features_with, judge_analyzed, judge_pair, same_claim_score,
    Content, Features, Judgement, View,
};
pub use memory::{Entry, Memory, Probe};
pub use text::{anchors, normalize, stem, tokens, words};
