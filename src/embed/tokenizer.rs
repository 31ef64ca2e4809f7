//! BERT's uncased WordPiece tokenizer, from `vocab.txt`.
//!
//! Basic tokenizer (clean, CJK spacing, lower case, strip accents, split punctuation), then
//! greedy longest-match WordPiece with `##` continuations, as `BertTokenizer` does.

use std::collections::HashMap;

/// Ids of the special tokens.
pub const CLS: u32 = 101;
pub const SEP: u32 = 102;
pub const UNK: u32 = 100;

/// Word pieces → ids.
#[derive(Debug, Clone)]
pub struct WordPiece {
    vocab: HashMap<String, u32>,
    cls: u32,
    sep: u32,
    unk: u32,
}

/// Words longer than this (in chars) become `[UNK]`, as in BERT.
const MAX_WORD_CHARS: usize = 100;

impl WordPiece {
    /// From the text of `vocab.txt`: one token a line, id = line number.
    pub fn from_vocab(text: &str) -> Self {
        let vocab: HashMap<String, u32> = text
            .lines()
            .enumerate()
            .map(|(i, t)| (t.trim_end_matches('\r').to_owned(), i as u32))
            .collect();
        let id = |t: &str, d: u32| vocab.get(t).copied().unwrap_or(d);
        WordPiece {
            cls: id("[CLS]", CLS),
            sep: id("[SEP]", SEP),
            unk: id("[UNK]", UNK),
            vocab,
        }
    }

    /// `[CLS] pieces… [SEP]`, at most `max_len` ids (pieces truncated).
    pub fn encode(&self, text: &str, max_len: usize) -> Vec<u32> {
        let mut ids = vec![self.cls];
        'words: for word in basic_tokens(text) {
            for id in self.pieces(&word) {
                if ids.len() + 1 >= max_len {
                    break 'words;
                }
                ids.push(id);
            }
        }
        ids.push(self.sep);
        ids
    }

    fn pieces(&self, word: &str) -> Vec<u32> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > MAX_WORD_CHARS {
            return vec![self.unk];
        }
        let mut out = Vec::new();
        let mut start = 0;
        let mut buf = String::new();
        while start < chars.len() {
            let mut end = chars.len();
            let mut found = None;
            while start < end {
                buf.clear();
                if start > 0 {
                    buf.push_str("##");
                }
                buf.extend(&chars[start..end]);
                if let Some(&id) = self.vocab.get(&buf) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => out.push(id),
                None => return vec![self.unk],
            }
            start = end;
        }
        out
    }
}

/// The basic tokenizer: words and single punctuation marks, lower-cased, accents stripped.
pub fn basic_tokens(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() {
            words.push(std::mem::take(cur));
        }
    };
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if c.is_whitespace() {
            flush(&mut cur, &mut words);
            continue;
        }
        if is_cjk(c) || is_punctuation(c) {
            flush(&mut cur, &mut words);
            let mut s = String::new();
            push_folded(c, &mut s);
            if !s.is_empty() {
                words.push(s);
            }
            continue;
        }
        push_folded(c, &mut cur);
    }
    flush(&mut cur, &mut words);
    words
}

/// Lower case, then NFD with combining marks dropped, as BERT's `strip_accents`.
fn push_folded(c: char, out: &mut String) {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};
    for l in c.to_lowercase() {
        if l.is_ascii() {
            out.push(l);
            continue;
        }
        decompose_canonical(l, |d| {
            if !is_combining_mark(d) {
                out.push(d);
            }
        });
    }
}

/// BERT's "control": Unicode categories C* (format characters such as zero-width spaces,
/// private use) except tab, newline and carriage return, which count as white space.
fn is_control(c: char) -> bool {
    if c == '\t' || c == '\n' || c == '\r' {
        return false;
    }
    c.is_control()
        || matches!(c as u32,
            0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x180E | 0x200B..=0x200F
            | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
            | 0xE000..=0xF8FF | 0x110BD | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// BERT's punctuation: ASCII non-alphanumeric printables, and Unicode punctuation (P*).
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(c as u32,
        0x00A1 | 0x00A7 | 0x00AB | 0x00B6 | 0x00B7 | 0x00BB | 0x00BF | 0x037E | 0x0387
        | 0x055A..=0x055F | 0x0589 | 0x058A | 0x05BE | 0x05C0 | 0x05C3 | 0x05C6 | 0x05F3 | 0x05F4
        | 0x0609 | 0x060A | 0x060C | 0x060D | 0x061B | 0x061E | 0x061F | 0x066A..=0x066D | 0x06D4
        | 0x0964 | 0x0965 | 0x0970 | 0x0E4F | 0x0E5A | 0x0E5B
        | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E
        | 0x207D | 0x207E | 0x208D | 0x208E | 0x2308..=0x230B | 0x2329 | 0x232A
        | 0x2768..=0x2775 | 0x27C5 | 0x27C6 | 0x27E6..=0x27EF | 0x2983..=0x2998
        | 0x29D8..=0x29DB | 0x29FC | 0x29FD | 0x2CF9..=0x2CFC | 0x2CFE | 0x2CFF
        | 0x2E00..=0x2E2E | 0x2E30..=0x2E4F | 0x3001..=0x3003 | 0x3008..=0x3011
        | 0x3014..=0x301F | 0x3030 | 0x303D | 0x30A0 | 0x30FB
        | 0xFE10..=0xFE19 | 0xFE30..=0xFE52 | 0xFE54..=0xFE61 | 0xFE63 | 0xFE68 | 0xFE6A | 0xFE6B
        | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20
        | 0xFF3B..=0xFF3D | 0xFF3F | 0xFF5B | 0xFF5D | 0xFF5F..=0xFF65)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_tokenizer_lowercases_strips_accents_and_splits_punctuation() {
        assert_eq!(
            basic_tokens("“Déjà vu,” he said—don't!"),
            ["“", "deja", "vu", ",", "”", "he", "said", "—", "don", "'", "t", "!"]
        );
    }

    #[test]
    fn drops_format_characters_and_accents_of_any_script() {
        assert_eq!(basic_tokens("zero\u{200b}width"), ["zerowidth"]);
        assert_eq!(
            basic_tokens("Ελληνικά Nguyễn йод"),
            ["ελληνικα", "nguyen", "иод"]
        );
    }

    #[test]
    fn wordpiece_takes_the_longest_piece_first() {
        let wp = WordPiece::from_vocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\naff\n,\n");
        // ids are line numbers in this toy vocab.
        assert_eq!(wp.encode("unaffable, xyz", 16), [2, 4, 5, 6, 8, 1, 3]);
        assert_eq!(wp.encode("unaffable unaffable", 5), [2, 4, 5, 6, 3]);
    }
}
