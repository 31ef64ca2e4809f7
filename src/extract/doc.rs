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

impl<'a> Doc<'a> {
    /// Analyses `body`; `lower` is `body.to_ascii_lowercase()`, which the caller keeps for as
    /// long as the `Doc` so that the `Doc` can hold slices of it.
    pub fn with_lower(body: &'a str, lower: &'a str) -> Self {
        debug_assert_eq!(body.len(), lower.len());
        let tokens = tokenize(body);
        let texts = tokens.iter().map(|t| &body[t.start..t.end]).collect();
        let lowers = tokens.iter().map(|t| &lower[t.start..t.end]).collect();
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
        Self::with_lower(body, String::leak(body.to_ascii_lowercase()))
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
