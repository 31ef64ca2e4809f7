//! Byte ↔ code-point offset conversion and small character helpers.

/// Converts byte offsets (at char boundaries) of one body into code-point offsets in O(1)-ish.
pub struct CharIndex<'a> {
    bytes: &'a [u8],
    /// `checkpoints[k]` = number of chars in `bytes[..k * STEP]` (counting lead bytes).
    checkpoints: Vec<usize>,
}

/// Bytes between checkpoints. Every claim converts six offsets, each counting up to `STEP`
/// bytes past its checkpoint: small steps keep that short, for a table of one `usize` per
/// 64 bytes of body.
const STEP: usize = 64;

impl<'a> CharIndex<'a> {
    pub fn new(body: &'a str) -> Self {
        let bytes = body.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / STEP + 2);
        let mut count = 0usize;
        checkpoints.push(0);
        for chunk in bytes.chunks(STEP) {
            count += chunk.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
            checkpoints.push(count);
        }
        CharIndex { bytes, checkpoints }
    }

    /// Code-point offset of byte offset `b` (clamped to the body length).
    pub fn char_at(&self, b: usize) -> usize {
        let b = b.min(self.bytes.len());
        let k = b / STEP;
        let base = self.checkpoints[k];
        base + self.bytes[k * STEP..b]
            .iter()
            .filter(|&&x| (x & 0xC0) != 0x80)
            .count()
    }
}

/// Is `c` a double quotation mark of any style?
pub fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '″')
}

/// Is `c` any quotation mark (double or single, not the ASCII apostrophe)?
pub fn is_quote_char(c: char) -> bool {
    is_double_quote(c) || matches!(c, '‘' | '’' | '‚' | '‹' | '›')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_multibyte_offsets() {
        let s = "a“é”b".repeat(300);
        let ci = CharIndex::new(&s);
        for (ci_idx, (b, _)) in s.char_indices().enumerate() {
            assert_eq!(ci.char_at(b), ci_idx);
        }
        assert_eq!(ci.char_at(s.len()), s.chars().count());
    }
}
