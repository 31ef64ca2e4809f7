//! Claim memory: everything each speaker said, and the judgement of a new claim against it.
//!
//! Pure and in-memory: the durable copy lives in `crate::store`, which hands every stored
//! claim back at start-up through [`Memory::insert`].

mod judge;
mod memory;
mod text;

pub use judge::{judge_pair, Judgement};
pub use memory::{Entry, Memory};
pub use text::{normalize, tokens};
