//! The analysed article: tokens, quotations and sentences, with cheap lowercase lookups.

use super::quotes::{find_quotes, Quote};
use super::segment::{quote_map, sentences, Sentence};
use super::token::{tokenize, Token};

pub struct Doc<'a> {
    pub body: &'a str,
    /// `body` with ASCII letters lowercased (same byte offsets).
    pub lower: String,
    pub tokens: Vec<Token>,
    pub quotes: Vec<Quote>,
    /// Token → index of the outermost quote containing it, or `u32::MAX`.
    pub qmap: Vec<u32>,
    pub sents: Vec<Sentence>,
}

impl<'a> Doc<'a> {
    pub fn new(body: &'a str) -> Self {
        let lower = body.to_ascii_lowercase();
        let tokens = tokenize(body);
        let quotes = find_quotes(&tokens, body);
        let qmap = quote_map(tokens.len(), &quotes);
        let sents = sentences(&tokens, body, &qmap, &quotes);
        Doc {
            body,
            lower,
            tokens,
            quotes,
            qmap,
            sents,
        }
    }

    /// Lowercased text of token `i` ("" out of range).
    pub fn lw(&self, i: usize) -> &str {
        self.tokens
            .get(i)
            .map_or("", |t| &self.lower[t.start..t.end])
    }

    /// Text of token `i` as written ("" out of range).
    pub fn tx(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .map_or("", |t| &self.body[t.start..t.end])
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
    pub fn lower_slice(&self, a: usize, b: usize) -> &str {
        let (s, e) = self.bytes(a, b);
        &self.lower[s..e]
    }
}
