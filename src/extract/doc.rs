//! The analysed article: tokens, quotations and sentences, with cheap lowercase lookups.

use super::quotes::{find_quotes, Quote};
use super::segment::{quote_map, sentences, Sentence};
use super::token::{tokenize, Token};

pub struct Doc<'a> {
    pub body: &'a str,
    /// `body` with ASCII letters lowercased (same byte offsets).
    lower: &'a str,
    pub tokens: Vec<Token>,
    /// Each token's text as written, and lowercased: sliced once here, since the steps read
    /// them many times over (a slice of a `str` checks its bounds and char boundaries).
    texts: Vec<&'a str>,
    lowers: Vec<&'a str>,
    pub quotes: Vec<Quote>,
    /// Token → index of the outermost quote containing it, or `u32::MAX`.
    pub qmap: Vec<u32>,
    pub sents: Vec<Sentence>,
}

/// An article body and its copy with ASCII letters lowercased, made together: the two have
/// the same bytes but ASCII letters, so the same length and char boundaries, which is what
/// makes [`token_text`] sound on the copy.
pub struct Lowered<'a> {
    body: &'a str,
    /// `body.to_ascii_lowercase()`: lookups of words compare it, without lowercasing again.
    lower: String,
}

impl<'a> Lowered<'a> {
    pub fn new(body: &'a str) -> Self {
        Lowered {
            body,
            lower: body.to_ascii_lowercase(),
        }
    }
}

/// The text of token `t` of `s`, where `s` is the body `t` comes from or its [`Lowered`]
/// copy: `&s[t.start..t.end]` without its checks. Every token of every article is sliced
/// twice here, and the bounds and char-boundary checks were about a tenth of building the
/// `Doc`.
fn token_text<'a>(s: &'a str, t: &Token) -> &'a str {
    debug_assert!(t.start <= t.end && s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
    // SAFETY: `tokenize` returns tokens within the body, each starting and ending on char
    // boundaries (its property test checks this on arbitrary text); `s` is the body or its
    // `Lowered` copy, which has the same length and char boundaries.
    unsafe { s.get_unchecked(t.start..t.end) }
}

impl<'a> Doc<'a> {
    /// Analyses an article body (with its lowercased copy, which the caller keeps for as long
    /// as the `Doc`, so that the `Doc` can hold slices of it).
    pub fn with_lower(text: &'a Lowered<'a>) -> Self {
        let (body, lower) = (text.body, text.lower.as_str());
        let tokens = tokenize(body);
        let texts = tokens.iter().map(|t| token_text(body, t)).collect();
        let lowers = tokens.iter().map(|t| token_text(lower, t)).collect();
        let quotes = find_quotes(&tokens, body);
        let qmap = quote_map(tokens.len(), &quotes);
        let sents = sentences(&tokens, body, &qmap, &quotes);
        Doc {
            body,
            lower,
            tokens,
            texts,
            lowers,
            quotes,
            qmap,
            sents,
        }
    }

    /// [`Doc::with_lower`] in one call, for tests: leaks the lowercase copy (a few bytes).
    #[cfg(test)]
    pub fn new(body: &'a str) -> Self {
        Self::with_lower(Box::leak(Box::new(Lowered::new(body))))
    }

    /// Lowercased text of token `i` ("" out of range).
    pub fn lw(&self, i: usize) -> &'a str {
        self.lowers.get(i).copied().unwrap_or("")
    }

    /// Text of token `i` as written ("" out of range).
    pub fn tx(&self, i: usize) -> &'a str {
        self.texts.get(i).copied().unwrap_or("")
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.word)
    }

    pub fn is_cap(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.cap)
    }

    /// Token `i` lies inside a quotation (or is one of its marks).
    pub fn in_quote(&self, i: usize) -> bool {
        self.qmap.get(i).is_some_and(|&q| q != u32::MAX)
    }

    /// Token `i` is a quotation mark opening or closing an outermost quote.
    pub fn is_quote_mark(&self, i: usize) -> bool {
        match self.qmap.get(i) {
            Some(&q) if q != u32::MAX => {
                let q = self.quotes[q as usize];
                i == q.open
                    || i == q.close
                    || (q.open + 1 == i && !self.is_word(i))
                    || (q.close == i + 1 && !self.is_word(i))
            }
            _ => false,
        }
    }

    /// Byte span of tokens `[a, b)`.
    pub fn bytes(&self, a: usize, b: usize) -> (usize, usize) {
        if a >= b || b > self.tokens.len() {
            return (0, 0);
        }
        (self.tokens[a].start, self.tokens[b - 1].end)
    }

    pub fn slice(&self, a: usize, b: usize) -> &'a str {
        let (s, e) = self.bytes(a, b);
        &self.body[s..e]
    }

    /// [`Doc::slice`] with ASCII letters lowercased.
    pub fn lower_slice(&self, a: usize, b: usize) -> &'a str {
        let (s, e) = self.bytes(a, b);
        &self.lower[s..e]
    }
}
