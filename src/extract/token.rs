//! Tokenizer: words and single punctuation marks with byte offsets and paragraph breaks.

use crate::chars::is_alphanumeric;

/// One token of the body (byte offsets, half-open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// A word (letters/digits with inner apostrophes, hyphens, abbreviation dots).
    pub word: bool,
    /// First char is uppercase.
    pub cap: bool,
    /// A line break separates this token from the previous one.
    pub nl_before: bool,
}

impl Token {
    pub fn text<'a>(&self, body: &'a str) -> &'a str {
        &body[self.start..self.end]
    }
}

fn is_inner_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '&' | '.' | '‘')
}

/// The char starting at byte `i` of `body` (a char boundary, before the end). ASCII, most
/// of any article, is read without UTF-8 decoding.
fn char_at(body: &str, i: usize) -> char {
    let b = body.as_bytes()[i];
    if b.is_ascii() {
        char::from(b)
    } else {
        body[i..]
            .chars()
            .next()
            .unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}

/// `body[..j]` ends with an ASCII digit.
fn digit_before(body: &str, j: usize) -> bool {
    j > 0 && body.as_bytes()[j - 1].is_ascii_digit()
}

/// `body[..j]` ends with "Ã" or "Â" (U+00C3, U+00C2): mojibake of a Latin-1 letter.
fn mojibake_lead_before(body: &str, j: usize) -> bool {
    j >= 2 && body.as_bytes()[j - 2] == 0xC3 && matches!(body.as_bytes()[j - 1], 0x82 | 0x83)
}

/// Splits `body` into tokens. Linear time, never panics.
///
/// Walks byte offsets rather than a peekable char iterator: an ASCII byte, most of any
/// article, is told apart by a table, a word's run of ASCII letters and digits is taken in
/// one tight loop, and only non-ASCII characters are decoded.
pub fn tokenize(body: &str) -> Vec<Token> {
    let bytes = body.as_bytes();
    let mut out: Vec<Token> = Vec::with_capacity(body.len() / 5 + 1);
    let mut nl = false;
    let mut newlines = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (word, cap, end) = match ASCII_CLASS[usize::from(b)] {
            AsciiClass::Space => {
                // No line break: nothing to note.
                i += 1;
                continue;
            }
            AsciiClass::LetterOrDigit => (
                true,
                b.is_ascii_uppercase(),
                word_end(body, i, char::from(b)),
            ),
            AsciiClass::Mark => (false, false, i + 1),
            AsciiClass::Other => {
                let c = char_at(body, i);
                if c.is_whitespace() || c.is_control() || c == '\u{feff}' {
                    if matches!(c, '\n' | '\u{2028}' | '\u{2029}' | '\u{85}')
                        || (c == '\r' && bytes.get(i + 1) != Some(&b'\n'))
                    {
                        newlines += 1;
                        // the word before ends the last token
                        let prev_char = out
                            .last()
                            .map_or(' ', |t| body[..t.end].chars().next_back().unwrap_or(' '));
                        if !wrapped_line(body, i + c.len_utf8(), newlines, prev_char) {
                            nl = true;
                        }
                    }
                    i += c.len_utf8();
                    continue;
                }
                if is_alphanumeric(c) {
                    (true, c.is_uppercase(), word_end(body, i, c))
                } else {
                    (false, false, i + c.len_utf8())
                }
            }
        };
        out.push(Token {
            start: i,
            end,
            word,
            cap,
            nl_before: nl,
        });
        newlines = 0;
        nl = false;
        i = end;
    }
    out
}

/// Whether the line break just read (the `newlines`-th in a row, the text going on at
/// `after`, `prev_char` ending the last token) only wraps a line: a single line break between
/// two lowercase words (or after a comma) is a wrapped line, not a paragraph.
fn wrapped_line(body: &str, after: usize, newlines: usize, prev_char: char) -> bool {
    let next_lower = body[after..]
        .trim_start_matches([' ', '\t'])
        .starts_with(|n: char| n.is_lowercase());
    newlines == 1 && (prev_char.is_lowercase() || prev_char == ',') && next_lower
}

/// How [`tokenize`] treats an ASCII byte.
#[derive(Clone, Copy)]
enum AsciiClass {
    /// ' ': skipped.
    Space,
    /// Starts a word.
    LetterOrDigit,
    /// A punctuation mark or symbol: a token of its own.
    Mark,
    /// Other white space and controls (line breaks among them), and every non-ASCII byte:
    /// decoded and looked at closely.
    Other,
}

static ASCII_CLASS: [AsciiClass; 256] = {
    let mut table = [AsciiClass::Other; 256];
    let mut b = 0u8;
    while b < 128 {
        table[b as usize] = if b == b' ' {
            AsciiClass::Space
        } else if b.is_ascii_alphanumeric() {
            AsciiClass::LetterOrDigit
        } else if b.is_ascii_whitespace() || b.is_ascii_control() {
            AsciiClass::Other
        } else {
            AsciiClass::Mark
        };
        b += 1;
    }
    table
};

/// The end of the word that starts with `c` at byte `i`: letters and digits, mojibake
/// symbols, thousands separators ("42,000"), inner joiners before a letter or digit
/// ("al-Assad", "don't", "U.S", "191.6") and the trailing dot of an abbreviation ("U.S.").
#[inline(always)]
fn word_end(body: &str, i: usize, c: char) -> usize {
    let bytes = body.as_bytes();
    let mut end = i + c.len_utf8();
    let mut seg_len = 1usize; // letters since the last dot
    let mut has_dot = false;
    // `end` is always where the next character to look at starts
    while end < bytes.len() {
        // A run of ASCII letters and digits, the bulk of any word, in one tight loop.
        let run = end;
        while end < bytes.len()
            && matches!(
                ASCII_CLASS[usize::from(bytes[end])],
                AsciiClass::LetterOrDigit
            )
        {
            end += 1;
        }
        seg_len += end - run;
        if end == bytes.len() {
            break;
        }
        // Most words end at a space or a punctuation mark: any ASCII byte but the separator
        // and the joiners looked at below ends the word.
        if bytes[end].is_ascii() && !matches!(bytes[end], b',' | b'\'' | b'-' | b'&' | b'.') {
            break;
        }
        let j = end;
        let d = char_at(body, j);
        // mojibake ("FranÃÂ§ois" for "François"): a Latin-1 symbol after "Ã"/"Â" is a letter
        let mojibake = ('\u{a0}'..='\u{bf}').contains(&d) && mojibake_lead_before(body, j);
        if is_alphanumeric(d) || mojibake {
            end = j + d.len_utf8();
            seg_len += 1;
            continue;
        }
        if d == ',' && digit_before(body, j) {
            // "42,000"
            let digits = bytes[j + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 3 {
                end = j + 1;
                continue;
            }
        }
        if is_inner_joiner(d) {
            // look one char further
            let next = body[j + d.len_utf8()..].chars().next();
            match next {
                // "$191.6 million": a decimal point between digits
                Some(n)
                    if is_alphanumeric(n)
                        && (d != '.'
                            || seg_len <= 2
                            || (n.is_ascii_digit() && digit_before(body, j))) =>
                {
                    if d == '.' {
                        has_dot = true;
                        seg_len = 0;
                    }
                    end = j + d.len_utf8();
                    continue;
                }
                _ => {
                    if d == '.' && has_dot && seg_len <= 2 {
                        // trailing dot of "U.S." / "p.m."
                        end = j + 1;
                    }
                    break;
                }
            }
        }
        break;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizer as it was before the table of ASCII classes (session 12), to check the
    /// faster one against.
    fn reference_tokenize(body: &str) -> Vec<Token> {
        let bytes = body.as_bytes();
        let mut out = Vec::with_capacity(body.len() / 5 + 1);
        let mut nl = false;
        let mut newlines = 0usize;
        let mut prev_char = ' ';
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b' ' {
                // The commonest byte, and no line break: nothing to note.
                i += 1;
                continue;
            }
            let c = char_at(body, i);
            if c.is_whitespace() || c.is_control() || c == '\u{feff}' {
                if matches!(c, '\n' | '\u{2028}' | '\u{2029}' | '\u{85}')
                    || (c == '\r' && bytes.get(i + 1) != Some(&b'\n'))
                {
                    newlines += 1;
                    if !wrapped_line(body, i + c.len_utf8(), newlines, prev_char) {
                        nl = true;
                    }
                }
                i += c.len_utf8();
                continue;
            }
            newlines = 0;
            prev_char = c;
            if c.is_alphanumeric() {
                let end = word_end(body, i, c);
                out.push(Token {
                    start: i,
                    end,
                    word: true,
                    cap: c.is_uppercase(),
                    nl_before: nl,
                });
                prev_char = if bytes[end - 1].is_ascii() {
                    char::from(bytes[end - 1])
                } else {
                    body[..end].chars().next_back().unwrap_or(' ')
                };
                i = end;
            } else {
                out.push(Token {
                    start: i,
                    end: i + c.len_utf8(),
                    word: false,
                    cap: false,
                    nl_before: nl,
                });
                i += c.len_utf8();
            }
            nl = false;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn tokens_are_those_of_the_reference_tokenizer(
            body in "([a-zA-Z0-9]{1,6}|[ ,.'’‘&\\-]|[\n\r\t\u{b}\u{c}\u{1}\u{85}\u{a0}\u{2028}\u{feff}]|[“”«»\"″`$%()]|[éÉßÃÂ§ı]|[0-9]{1,3},[0-9]{3}|U\\.S\\.|\\p{L}|\\p{N}|\\p{P}){0,40}"
        ) {
            proptest::prop_assert_eq!(tokenize(&body), reference_tokenize(&body));
        }

        /// What `Doc` relies on to slice tokens without checks: each token lies in the
        /// body, in order, and starts and ends on char boundaries.
        #[test]
        fn tokens_lie_on_char_boundaries(body in "(\\PC|[\n\r\u{85}\u{2028}\u{feff}])*") {
            let mut last = 0;
            for t in tokenize(&body) {
                proptest::prop_assert!(last <= t.start && t.start < t.end && t.end <= body.len());
                proptest::prop_assert!(body.is_char_boundary(t.start) && body.is_char_boundary(t.end));
                last = t.end;
            }
        }
    }

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn keeps_contractions_abbreviations_and_possessives() {
        assert_eq!(
            words("Russia’s U.S. don't Mr. al-Assad."),
            vec!["Russia’s", "U.S.", "don't", "Mr", ".", "al-Assad", "."]
        );
        assert_eq!(
            words("$42,000, 3,5"),
            vec!["$", "42,000", ",", "3", ",", "5"]
        );
    }

    #[test]
    fn wrapped_lines_are_not_paragraphs() {
        let s = "it went on\nand on.\nNext one";
        let t = tokenize(s);
        assert!(!t[3].nl_before);
        assert!(t[6].nl_before);
    }

    #[test]
    fn marks_paragraph_breaks() {
        let t = tokenize("A b.\n\n“C”");
        assert!(t[3].nl_before);
        assert!(!t[1].nl_before);
        assert_eq!(t[3].text("A b.\n\n“C”"), "“");
    }

    #[test]
    fn decimals_stay_one_word() {
        let s = "revenue fell to $191.6 million";
        let t = tokenize(s);
        assert!(t.iter().any(|x| x.text(s) == "191.6"));
    }

    #[test]
    fn mojibake_stays_one_word() {
        let s = "FranÃÂ§ois Hollande said";
        let t = tokenize(s);
        assert_eq!(t[0].text(s), "FranÃÂ§ois");
        assert_eq!(t.len(), 3);
    }
}
