//! Attribution extraction: article text in, attributed claims out. Pure: no I/O, no clock.

use chrono::NaiveDate;

use crate::claim::Claim;

/// Finds every attributed claim in `body`. `published_on` anchors relative dates ("on Thursday").
pub fn extract(body: &str, published_on: Option<NaiveDate>) -> Vec<Claim> {
    let _ = (body, published_on);
    Vec::new()
}
