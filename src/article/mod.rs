//! `Article`: one news item as claimwire receives it, and the parsers that make one.
//!
//! Parsing is pure: bytes in, `Article` or a `Rejection` out. The same parsers serve the
//! offline `process` command and the Kafka source, so both reject the same input the same way.

mod json;
mod rejection;
mod wire_text;

pub use json::parse_json;
pub use rejection::{Rejection, RejectionReason};
pub use wire_text::parse_wire_text;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Largest body accepted, in bytes. Larger articles are rejected as bad input, not processed
/// slowly: no wire item is that long, so one that is is almost surely a broken feed.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// One article, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// The publisher's id for the article; with the claim's position it makes the claim id,
    /// so the same article processed twice yields the same claim ids.
    pub id: String,
    /// The text exactly as received. Claim offsets point into this string.
    pub body: String,
    /// Headline, when given; not searched for claims.
    pub title: Option<String>,
    /// Outlet or wire service ("Reuters"), copied to every claim record.
    pub source: Option<String>,
    /// Publication date; anchors relative dates such as "on Thursday".
    pub published_on: Option<NaiveDate>,
    /// Publication time as given (RFC 3339 date or date-time), echoed in records unchanged.
    pub published_at: Option<String>,
    /// Where the article can be read.
    pub url: Option<String>,
    /// Language tag as given ("en"); extraction is built for English.
    pub language: Option<String>,
}

/// Reads the date part of an RFC 3339 date or date-time ("2025-04-25", "2025-04-25T09:30:00Z").
pub fn parse_published_at(value: &str) -> Result<NaiveDate, RejectionReason> {
    let value = value.trim();
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(date);
    }
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|dt| dt.date_naive())
        .map_err(|_| RejectionReason::BadDate(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times_are_read_to_their_day() {
        let day = NaiveDate::from_ymd_opt(2025, 4, 25).unwrap();
        assert_eq!(parse_published_at("2025-04-25"), Ok(day));
        assert_eq!(parse_published_at("2025-04-25T23:10:00+03:00"), Ok(day));
        assert_eq!(parse_published_at(" 2025-04-25T01:00:00Z "), Ok(day));
        assert!(matches!(
            parse_published_at("25/04/2025"),
            Err(RejectionReason::BadDate(_))
        ));
    }
}
