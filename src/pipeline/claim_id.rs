//! Stable claim ids.

use xxhash_rust::xxh3::Xxh3Default;

use crate::claim::Claim;

/// The id of a claim: a hash of its article id, its position and its text. The same article
/// processed again (a redelivery, a rerun) yields the same ids, which makes storing and
/// publishing idempotent.
///
/// The hashed key is `"{article_id}\0{start}\0{end}\0{text}"`. It is fed to the hasher in
/// pieces rather than formatted into a string first: streaming XXH3 gives the one-shot hash
/// of the concatenation, without an allocation and a copy of the text per claim.
pub fn claim_id(article_id: &str, claim: &Claim) -> String {
    let mut hasher = Xxh3Default::new();
    let mut digits = [0u8; 20];
    hasher.update(article_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(decimal(claim.span.start, &mut digits));
    hasher.update(b"\0");
    hasher.update(decimal(claim.span.end, &mut digits));
    hasher.update(b"\0");
    hasher.update(claim.text.as_bytes());
    hex_id(hasher.digest128())
}

/// `n` in decimal, as `{}` writes it.
fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// `format!("c-{hash:032x}")`, without the formatting machinery.
fn hex_id(hash: u128) -> String {
    let mut id = String::with_capacity(34);
    id.push_str("c-");
    for nibble in (0..32).rev() {
        let d = ((hash >> (nibble * 4)) & 0xf) as u32;
        id.push(char::from_digit(d, 16).unwrap_or('0'));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::{ClaimKind, Located, Span, Speaker, SpeakerKind};
    use xxhash_rust::xxh3::xxh3_128;

    fn claim(start: usize, end: usize, text: &str) -> Claim {
        Claim {
            text: text.to_string(),
            kind: ClaimKind::Direct,
            span: Span { start, end },
            cue: None,
            speaker: Speaker {
                name: None,
                title: None,
                kind: SpeakerKind::Unnamed,
                mention: Located {
                    text: String::new(),
                    start: 0,
                    end: 0,
                },
            },
            medium: None,
            stated_on: None,
        }
    }

    #[test]
    fn is_the_hash_of_the_formatted_key() {
        let long = "x".repeat(1000);
        for (id, start, end, text) in [
            ("a-1", 0, 0, ""),
            ("gen-42-0", 67, 86, "reporters in Warsaw"),
            ("", 9, 10, "“Wir schaffen das”"),
            ("z", usize::MAX, 1234567890, long.as_str()),
        ] {
            let key = format!("{id}\u{0}{start}\u{0}{end}\u{0}{text}");
            let expected = format!("c-{:032x}", xxh3_128(key.as_bytes()));
            assert_eq!(claim_id(id, &claim(start, end, text)), expected);
        }
    }

    #[test]
    fn small_hashes_keep_their_leading_zeros() {
        assert_eq!(hex_id(0xab), format!("c-{:032x}", 0xabu128));
        assert_eq!(hex_id(u128::MAX), format!("c-{:032x}", u128::MAX));
    }
}
