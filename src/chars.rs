//! Character classes asked of every non-ASCII character of every article and claim, with
//! fast paths for the characters news text is full of.

/// `c.is_alphanumeric()`. Outside ASCII, the standard library searches Unicode's tables of
/// letters, then of numbers: about 350 instructions each, for every curly quote and dash.
/// General Punctuation (U+2000..=U+206F: quotes, dashes, ellipses) holds neither, and the
/// Latin-1 Supplement's upper half and Latin Extended-A and -B (U+00C0..=U+024F) hold only
/// letters but two signs; a test checks every character against the standard library.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    match c {
        '\u{0}'..='\u{7f}' => c.is_ascii_alphanumeric(),
        '\u{c0}'..='\u{24f}' => c != '×' && c != '÷',
        '\u{2000}'..='\u{206f}' => false,
        _ => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_alphanumeric_is_the_standard_librarys_for_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(super::is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}
