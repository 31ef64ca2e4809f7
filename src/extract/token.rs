//! Tokenizer: words and single punctuation marks with byte offsets and paragraph breaks.

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

/// Splits `body` into tokens. Linear time, never panics.
pub fn tokenize(body: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(body.len() / 5 + 1);
    let mut it = body.char_indices().peekable();
    let mut nl = false;
    let mut newlines = 0usize;
    let mut prev_char = ' ';
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() || c.is_control() || c == '\u{feff}' {
            if matches!(c, '\n' | '\u{2028}' | '\u{2029}' | '\u{85}')
                || (c == '\r' && !body[i + 1..].starts_with('\n'))
            {
                newlines += 1;
                // a single line break between two lowercase words is a wrapped line, not a paragraph
                let next_lower = body[i + c.len_utf8()..]
                    .trim_start_matches([' ', '\t'])
                    .starts_with(|n: char| n.is_lowercase());
                let wrapped =
                    newlines == 1 && (prev_char.is_lowercase() || prev_char == ',') && next_lower;
                if !wrapped {
                    nl = true;
                }
            }
            continue;
        }
        newlines = 0;
        prev_char = c;
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            let mut seg_len = 1usize; // letters since the last dot
            let mut has_dot = false;
            while let Some(&(j, d)) = it.peek() {
                // mojibake ("FranÃÂ§ois" for "François"): a Latin-1 symbol after "Ã"/"Â" is a letter
                let mojibake =
                    ('\u{a0}'..='\u{bf}').contains(&d) && body[..j].ends_with(['Ã', 'Â']);
                if d.is_alphanumeric() || mojibake {
                    it.next();
                    end = j + d.len_utf8();
                    seg_len += 1;
                    continue;
                }
                if d == ',' && body[i..j].ends_with(|c: char| c.is_ascii_digit()) {
                    // "42,000"
                    let next = body[j + 1..].chars().next();
                    if next.is_some_and(|n| n.is_ascii_digit())
                        && body[j + 1..]
                            .chars()
                            .take_while(|c| c.is_ascii_digit())
                            .count()
                            == 3
                    {
                        it.next();
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
                            if n.is_alphanumeric()
                                && (d != '.'
                                    || seg_len <= 2
                                    || (n.is_ascii_digit()
                                        && body[..j].ends_with(|c: char| c.is_ascii_digit()))) =>
                        {
                            if d == '.' {
                                has_dot = true;
                                seg_len = 0;
                            }
                            it.next();
                            end = j + d.len_utf8();
                            continue;
                        }
                        _ => {
                            if d == '.' && has_dot && seg_len <= 2 {
                                // trailing dot of "U.S." / "p.m."
                                it.next();
                                end = j + 1;
                            }
                            break;
                        }
                    }
                }
                break;
            }
            out.push(Token {
                start: i,
                end,
                word: true,
                cap: c.is_uppercase(),
                nl_before: nl,
            });
            prev_char = body[..end].chars().next_back().unwrap_or(' ');
        } else {
            out.push(Token {
                start: i,
                end: i + c.len_utf8(),
                word: false,
                cap: false,
                nl_before: nl,
            });
        }
        nl = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
