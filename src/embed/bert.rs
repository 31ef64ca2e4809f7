//! A BERT encoder forward pass (post-LayerNorm, GELU), enough for MiniLM sentence encoders:
//! f32 weights from `model.safetensors`, matrix products by `matrixmultiply`.

use std::collections::HashMap;

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("model file is not valid safetensors: {0}")]
    Format(String),
    #[error("model lacks tensor {0}")]
    Missing(String),
}

/// Shape of the model, from `config.json`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Config {
    pub hidden_size: usize,
    pub num_attention_heads: usize,
    pub num_hidden_layers: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f32,
    #[serde(default = "default_positions")]
    pub max_position_embeddings: usize,
}

fn default_eps() -> f32 {
    1e-12
}
fn default_positions() -> usize {
    512
}

/// A dense layer: `y = x Wᵀ + b`. PyTorch stores `W` as `[out, in]`; it is kept transposed,
/// `wt` row-major `[in, out]`, so that the matrix product reads it sequentially.
struct Linear {
    wt: Vec<f32>,
    b: Vec<f32>,
    n_in: usize,
    n_out: usize,
}

impl Linear {
    /// `x` is `[rows, n_in]`; returns `[rows, n_out]`.
    fn forward(&self, x: &[f32], rows: usize) -> Vec<f32> {
        let mut y = Vec::with_capacity(rows * self.n_out);
        for _ in 0..rows {
            y.extend_from_slice(&self.b);
        }
        // y (rows×out) += x (rows×in) · Wᵀ (in×out).
        unsafe {
            matrixmultiply::sgemm(
                rows,
                self.n_in,
                self.n_out,
                1.0,
                x.as_ptr(),
                self.n_in as isize,
                1,
                self.wt.as_ptr(),
                self.n_out as isize,
                1,
                1.0,
                y.as_mut_ptr(),
                self.n_out as isize,
                1,
            );
        }
        y
    }
}

struct LayerNorm {
    g: Vec<f32>,
    b: Vec<f32>,
    eps: f32,
}

impl LayerNorm {
    fn apply(&self, x: &mut [f32]) {
        let n = self.g.len();
        for row in x.chunks_mut(n) {
            let mean = row.iter().sum::<f32>() / n as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n as f32;
            let inv = 1.0 / (var + self.eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.g).zip(&self.b) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    ln1: LayerNorm,
    up: Linear,
    down: Linear,
    ln2: LayerNorm,
}

/// The loaded encoder.
pub struct Bert {
    cfg: Config,
    word: Vec<f32>,
    pos: Vec<f32>,
    typ: Vec<f32>,
    ln: LayerNorm,
    layers: Vec<Layer>,
    vocab: usize,
}

/// A tensor in a safetensors file: its shape and its raw little-endian bytes.
type RawTensor<'a> = (Vec<usize>, &'a [u8]);

/// safetensors: u64 header length, JSON header, raw little-endian data.
fn tensors(bytes: &[u8]) -> Result<HashMap<String, RawTensor<'_>>, ModelError> {
    let bad = |m: &str| ModelError::Format(m.to_owned());
    if bytes.len() < 8 {
        return Err(bad("too short"));
    }
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = bytes.get(8..8 + n).ok_or_else(|| bad("header past end"))?;
    let data = &bytes[8 + n..];
    let map: HashMap<String, serde_json::Value> =
        serde_json::from_slice(header).map_err(|e| ModelError::Format(e.to_string()))?;
    let mut out = HashMap::new();
    for (name, v) in map {
        if name == "__metadata__" || v["dtype"] != "F32" {
            continue;
        }
        let shape: Vec<usize> = v["shape"]
            .as_array()
            .ok_or_else(|| bad("shape"))?
            .iter()
            .map(|d| d.as_u64().unwrap_or(0) as usize)
            .collect();
        let off = v["data_offsets"].as_array().ok_or_else(|| bad("offsets"))?;
        let (a, b) = (
            off[0].as_u64().unwrap_or(0) as usize,
            off[1].as_u64().unwrap_or(0) as usize,
        );
        let slice = data.get(a..b).ok_or_else(|| bad("tensor past end"))?;
        if slice.len() != shape.iter().product::<usize>() * 4 {
            return Err(bad("tensor size"));
        }
        out.insert(name, (shape, slice));
    }
    Ok(out)
}

impl Bert {
    /// From the bytes of `model.safetensors` and the model's config.
    pub fn load(bytes: &[u8], cfg: Config) -> Result<Self, ModelError> {
        let t = tensors(bytes)?;
        let get = |name: &str| -> Result<Vec<f32>, ModelError> {
            // Some exports prefix every name with "bert.".
            let (_, raw) = t
                .get(name)
                .or_else(|| t.get(&format!("bert.{name}")))
                .ok_or_else(|| ModelError::Missing(name.to_owned()))?;
            Ok(raw
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                .collect())
        };
        let h = cfg.hidden_size;
        let linear = |p: &str, n_in: usize, n_out: usize| -> Result<Linear, ModelError> {
            let w = get(&format!("{p}.weight"))?;
            let b = get(&format!("{p}.bias"))?;
            if w.len() != n_in * n_out || b.len() != n_out {
                return Err(ModelError::Format(format!("{p}: unexpected shape")));
            }
            let mut wt = vec![0f32; w.len()];
            for o in 0..n_out {
                for i in 0..n_in {
                    wt[i * n_out + o] = w[o * n_in + i];
                }
            }
            Ok(Linear { wt, b, n_in, n_out })
        };
        let norm = |p: &str| -> Result<LayerNorm, ModelError> {
            Ok(LayerNorm {
                g: get(&format!("{p}.weight"))?,
                b: get(&format!("{p}.bias"))?,
                eps: cfg.layer_norm_eps,
            })
        };
        let mut layers = Vec::new();
        for i in 0..cfg.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            layers.push(Layer {
                q: linear(&format!("{p}.attention.self.query"), h, h)?,
                k: linear(&format!("{p}.attention.self.key"), h, h)?,
                v: linear(&format!("{p}.attention.self.value"), h, h)?,
                o: linear(&format!("{p}.attention.output.dense"), h, h)?,
                ln1: norm(&format!("{p}.attention.output.LayerNorm"))?,
                up: linear(&format!("{p}.intermediate.dense"), h, cfg.intermediate_size)?,
                down: linear(&format!("{p}.output.dense"), cfg.intermediate_size, h)?,
                ln2: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let word = get("embeddings.word_embeddings.weight")?;
        let vocab = word.len() / h;
        Ok(Bert {
            pos: get("embeddings.position_embeddings.weight")?,
            typ: get("embeddings.token_type_embeddings.weight")?,
            ln: norm("embeddings.LayerNorm")?,
            word,
            layers,
            vocab,
            cfg,
        })
    }

    /// Longest input the position table allows.
    pub fn max_positions(&self) -> usize {
        self.cfg.max_position_embeddings
    }

    /// Mean-pooled, L2-normalised embedding of one token sequence.
    pub fn embed(&self, ids: &[u32]) -> Vec<f32> {
        self.embed_batch(&[ids]).pop().unwrap_or_default()
    }

    /// Embeddings of several sequences in one pass: the dense layers run on all their
    /// tokens stacked (the weights are read once per batch, not once per sequence);
    /// attention stays within each sequence, so results equal one-by-one encoding.
    pub fn embed_batch(&self, batch: &[&[u32]]) -> Vec<Vec<f32>> {
        let h = self.cfg.hidden_size;
        let maxp = self.cfg.max_position_embeddings;
        let lens: Vec<usize> = batch.iter().map(|ids| ids.len().min(maxp)).collect();
        let rows: usize = lens.iter().sum();
        if rows == 0 {
            return batch.iter().map(|_| vec![0f32; h]).collect();
        }
        let mut x = vec![0f32; rows * h];
        let mut r = 0;
        for (ids, &n) in batch.iter().zip(&lens) {
            for (i, &id) in ids[..n].iter().enumerate() {
                let id = (id as usize).min(self.vocab - 1);
                let row = &mut x[r * h..(r + 1) * h];
                let word = &self.word[id * h..(id + 1) * h];
                let pos = &self.pos[i * h..(i + 1) * h];
                for (j, cell) in row.iter_mut().enumerate() {
                    *cell = word[j] + pos[j] + self.typ[j];
                }
                r += 1;
            }
        }
        self.ln.apply(&mut x);
        let heads = self.cfg.num_attention_heads;
        let d = h / heads;
        let scale = 1.0 / (d as f32).sqrt();
        let longest = lens.iter().copied().max().unwrap_or(0);
        let mut scores = vec![0f32; longest * longest];
        for layer in &self.layers {
            let q = layer.q.forward(&x, rows);
            let k = layer.k.forward(&x, rows);
            let v = layer.v.forward(&x, rows);
            let mut ctx = vec![0f32; rows * h];
            let mut start = 0;
            for &n in &lens {
                let base = start * h;
                for hd in 0..heads {
                    let off = base + hd * d;
                    // scores (n×n) = Q_h (n×d) · K_hᵀ (d×n)
                    unsafe {
                        matrixmultiply::sgemm(
                            n,
                            d,
                            n,
                            scale,
                            q.as_ptr().add(off),
                            h as isize,
                            1,
                            k.as_ptr().add(off),
                            1,
                            h as isize,
                            0.0,
                            scores.as_mut_ptr(),
                            n as isize,
                            1,
                        );
                    }
                    for row in scores[..n * n].chunks_mut(n) {
                        let m = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                        let mut s = 0.0;
                        for v in row.iter_mut() {
                            *v = (*v - m).exp();
                            s += *v;
                        }
                        for v in row.iter_mut() {
                            *v /= s;
                        }
                    }
                    // ctx_h (n×d) = P (n×n) · V_h (n×d)
                    unsafe {
                        matrixmultiply::sgemm(
                            n,
                            n,
                            d,
                            1.0,
                            scores.as_ptr(),
                            n as isize,
                            1,
                            v.as_ptr().add(off),
                            h as isize,
                            1,
                            0.0,
                            ctx.as_mut_ptr().add(off),
                            h as isize,
                            1,
                        );
                    }
                }
                start += n;
            }
            let attn = layer.o.forward(&ctx, rows);
            for (a, b) in x.iter_mut().zip(&attn) {
                *a += b;
            }
            layer.ln1.apply(&mut x);
            let mut up = layer.up.forward(&x, rows);
            for v in up.iter_mut() {
                *v = gelu(*v);
            }
            let down = layer.down.forward(&up, rows);
            for (a, b) in x.iter_mut().zip(&down) {
                *a += b;
            }
            layer.ln2.apply(&mut x);
        }
        let mut out = Vec::with_capacity(batch.len());
        let mut start = 0;
        for &n in &lens {
            let mut e = vec![0f32; h];
            for row in x[start * h..(start + n) * h].chunks(h) {
                for (o, v) in e.iter_mut().zip(row) {
                    *o += v;
                }
            }
            let norm = e.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            e.iter_mut().for_each(|o| *o /= norm);
            out.push(e);
            start += n;
        }
        out
    }
}

/// Exact (erf) GELU, as BERT's "gelu".
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

/// erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), in f32.
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let y = 1.0
        - (((((1.061_405_4 * t - 1.453_152_1) * t) + 1.421_413_8) * t - 0.284_496_74) * t
            + 0.254_829_6)
            * t
            * (-a * a).exp();
    y.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-2.0, -0.995_322_3),
        ] {
            assert!((erf(x) - want).abs() < 1e-6, "erf({x}) = {}", erf(x));
        }
    }
}
