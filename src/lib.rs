//! claimwire: attributed claims from a news wire, with speaker identity and claim history.

pub mod claim;
pub mod extract;
