//! Stable claim ids.

use xxhash_rust::xxh3::xxh3_128;

use crate::claim::Claim;

/// The id of a claim: a hash of its article id, its position and its text. The same article
/// processed again (a redelivery, a rerun) yields the same ids, which makes storing and
/// publishing idempotent.
pub fn claim_id(article_id: &str, claim: &Claim) -> String {
    let key = format!(
        "{article_id}\u{0}{}\u{0}{}\u{0}{}",
        claim.span.start, claim.span.end, claim.text
    );
    format!("c-{:032x}", xxh3_128(key.as_bytes()))
}
