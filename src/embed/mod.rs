//! Sentence encoder: all-MiniLM-L6-v2 (or any BERT sentence-transformer with mean pooling),
//! in pure Rust. Loaded at run time from a model directory (`scripts/fetch-model.sh` places
//! one in `models/all-MiniLM-L6-v2`); without one, judgement is lexical only.
//!
//! Embeddings are L2-normalised and kept as [`Embedding`] (i8, one scale), 384 bytes a claim.

mod bert;
mod tokenizer;

pub use bert::{Bert, Config, ModelError};
pub use tokenizer::{basic_tokens, WordPiece};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The default model directory, relative to the working directory.
pub const DEFAULT_MODEL_DIR: &str = "models/all-MiniLM-L6-v2";

/// Tokens per claim the encoder reads at most (sentence-transformers' `max_seq_length`).
const MAX_TOKENS: usize = 256;

/// Tokenizer plus model.
pub struct Encoder {
    wordpiece: WordPiece,
    bert: Bert,
    max_tokens: usize,
    dir: PathBuf,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").field("dir", &self.dir).finish()
    }
}

fn read(path: PathBuf) -> Result<Vec<u8>, ModelError> {
    std::fs::read(&path).map_err(|source| ModelError::Read { path, source })
}

impl Encoder {
    /// Loads `vocab.txt`, `config.json` and `model.safetensors` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        let vocab = read(dir.join("vocab.txt"))?;
        let cfg: Config = serde_json::from_slice(&read(dir.join("config.json"))?)
            .map_err(|e| ModelError::Format(format!("config.json: {e}")))?;
        let weights = read(dir.join("model.safetensors"))?;
        let bert = Bert::load(&weights, cfg)?;
        let max_tokens = MAX_TOKENS.min(bert.max_positions());
        Ok(Encoder {
            wordpiece: WordPiece::from_vocab(&String::from_utf8_lossy(&vocab)),
            bert,
            max_tokens,
            dir: dir.to_owned(),
        })
    }

    /// The directory the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Token ids of a text, `[CLS] … [SEP]`, truncated.
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        self.wordpiece.encode(text, self.max_tokens)
    }

    /// Unit-length embedding (f32).
    pub fn embed_f32(&self, text: &str) -> Vec<f32> {
        self.bert.embed(&self.token_ids(text))
    }

    /// Quantised embedding, as memory and the store keep it.
    pub fn embed(&self, text: &str) -> Embedding {
        Embedding::quantize(&self.embed_f32(text))
    }

    /// Quantised embeddings of several texts, encoded together (faster per text than one by
    /// one: the weights are read once per batch). Same results as [`Encoder::embed`].
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Embedding> {
        let ids: Vec<Vec<u32>> = texts.iter().map(|t| self.token_ids(t)).collect();
        let refs: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
        // Batches of similar lengths waste nothing; a batch of 16 claims is plenty.
        refs.chunks(16)
            .flat_map(|chunk| self.bert.embed_batch(chunk))
            .map(|v| Embedding::quantize(&v))
            .collect()
    }
}

/// A unit vector quantised to i8 with one scale per vector: `v[i] ≈ q[i] * scale / 127`.
/// Cosine error against f32 is ~1e-3, far below the thresholds judgement uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Embedding {
    /// Largest |v[i]|.
    pub scale: f32,
    /// The components, base64 in JSON ([`b64`]) so a stored claim stays small.
    #[serde(with = "b64")]
    pub q: Vec<i8>,
}

/// A borrowed [`Embedding`], e.g. a row of a contiguous arena.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmbeddingRef<'a> {
    pub scale: f32,
    pub q: &'a [i8],
}

impl EmbeddingRef<'_> {
    /// See [`Embedding::cosine`].
    pub fn cosine(self, other: EmbeddingRef<'_>) -> f32 {
        if self.q.len() != other.q.len() || self.q.is_empty() {
            return 0.0;
        }
        let dot: i32 = self
            .q
            .iter()
            .zip(other.q)
            .map(|(a, b)| *a as i16 as i32 * *b as i16 as i32)
            .sum();
        (dot as f32 * self.scale * other.scale / (127.0 * 127.0)).clamp(-1.0, 1.0)
    }
}

impl Embedding {
    pub fn as_ref(&self) -> EmbeddingRef<'_> {
        EmbeddingRef {
            scale: self.scale,
            q: &self.q,
        }
    }

    pub fn quantize(v: &[f32]) -> Self {
        let scale = v.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-12);
        let q = v
            .iter()
            .map(|x| (x / scale * 127.0).round().clamp(-127.0, 127.0) as i8)
            .collect();
        Embedding { scale, q }
    }

    /// Cosine of two embeddings of unit vectors. Quantisation maps the largest component to
    /// 127, so a vector's length in quantised units is ≈ 127 / scale: the cosine is one i8
    /// dot product, rescaled (error ~1e-3).
    pub fn cosine(&self, other: &Embedding) -> f32 {
        self.as_ref().cosine(other.as_ref())
    }
}

/// The base64 an [`Embedding`]'s components are written as in JSON (the store's hand-written
/// judgement JSON writes them with it too).
pub(crate) use b64::encode as write_base64;

/// Serde for `Vec<i8>` as a base64 string.
mod b64 {
    use serde::{Deserialize, Deserializer, Serializer};

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn serialize<S: Serializer>(v: &[i8], s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::new();
        encode(v, &mut out);
        s.serialize_str(std::str::from_utf8(&out).expect("base64 is ASCII"))
    }

    /// Appends the base64 of `v` (standard alphabet, padded): ASCII that JSON never escapes.
    pub fn encode(v: &[i8], out: &mut Vec<u8>) {
        out.reserve(v.len().div_ceil(3) * 4);
        for chunk in v.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (*b as u8 as u32) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]);
                } else {
                    out.push(b'=');
                }
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i8>, D::Error> {
        let s = String::deserialize(d)?;
        let mut out = Vec::with_capacity(s.len() / 4 * 3);
        let mut n = 0u32;
        let mut bits = 0;
        for c in s.bytes() {
            if c == b'=' {
                break;
            }
            let v = ALPHABET
                .iter()
                .position(|a| *a == c)
                .ok_or_else(|| serde::de::Error::custom("invalid base64"))?
                as u32;
            n = n << 6 | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((n >> bits & 0xff) as u8 as i8);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn embeddings_survive_json(q in proptest::collection::vec(any::<i8>(), 0..50), scale in 0.01f32..1.0) {
            let e = Embedding { scale, q };
            let json = serde_json::to_string(&e).unwrap();
            prop_assert_eq!(serde_json::from_str::<Embedding>(&json).unwrap(), e);
        }
    }

    #[test]
    fn quantised_cosine_is_close_to_exact() {
        let a: Vec<f32> = (0..384)
            .map(|i| ((i * 7 % 13) as f32 - 6.0) / 10.0)
            .collect();
        let b: Vec<f32> = (0..384)
            .map(|i| ((i * 5 % 11) as f32 - 5.0) / 10.0)
            .collect();
        let unit = |v: &[f32]| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter().map(|x| x / n).collect::<Vec<_>>()
        };
        let (a, b) = (unit(&a), unit(&b));
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let q = Embedding::quantize(&a).cosine(&Embedding::quantize(&b));
        assert!((exact - q).abs() < 0.01, "{exact} vs {q}");
    }
}
