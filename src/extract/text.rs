//! Byte ↔ code-point offset conversion and small character helpers.

/// Converts byte offsets (at char boundaries) of one body into code-point offsets in O(1)-ish.
pub struct CharIndex<'a> {
    bytes: &'a [u8],
    /// `checkpoints[k]` = number of chars in `bytes[..k * STEP]` (counting lead bytes).
    checkpoints: Vec<u32>,
}

/// Bytes between checkpoints. Every claim converts six offsets, each counting up to `STEP`
/// bytes past its checkpoint: small steps keep that short (with 64, the counting was 2% of
/// all instructions), for a table of four bytes per 16 of body.
const STEP: usize = 16;

/// Chars starting in these 8 bytes: the bytes that are not UTF-8 continuation bytes
/// (`0b10xx_xxxx`), counted all at once.
fn lead_bytes(word: u64) -> u32 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bit 7 of each byte: set for a continuation byte (bit 7 set, bit 6 clear).
    let continuation = word & !(word << 1) & HIGH;
    // One bit per byte, summed into the top byte.
    let count = ((continuation >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as u32;
    8 - count
}

/// Chars starting in `bytes`.
fn lead_bytes_in(bytes: &[u8]) -> u32 {
    let mut words = bytes.chunks_exact(8);
    let mut n = 0;
    for w in &mut words {
        n += lead_bytes(u64::from_le_bytes(w.try_into().expect("8 bytes")));
    }
    n + words
        .remainder()
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count() as u32
}

impl<'a> CharIndex<'a> {
    pub fn new(body: &'a str) -> Self {
        let bytes = body.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / STEP + 2);
        let mut count = 0u32;
        checkpoints.push(0);
        for chunk in bytes.chunks(STEP) {
            count += lead_bytes_in(chunk);
            checkpoints.push(count);
        }
        CharIndex { bytes, checkpoints }
    }

    /// Code-point offset of byte offset `b` (clamped to the body length).
    pub fn char_at(&self, b: usize) -> usize {
        let b = b.min(self.bytes.len());
        let k = b / STEP;
        (self.checkpoints[k] + lead_bytes_in(&self.bytes[k * STEP..b])) as usize
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

    proptest::proptest! {
        #[test]
        fn counts_the_chars_before_every_offset(s in "(\\PC|[aé“€𝄞]){0,80}") {
            let ci = CharIndex::new(&s);
            for b in 0..=s.len() + 2 {
                let before = s.as_bytes()[..b.min(s.len())]
                    .iter()
                    .filter(|&&x| (x & 0xC0) != 0x80)
                    .count();
                proptest::prop_assert_eq!(ci.char_at(b), before);
            }
        }
    }

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
