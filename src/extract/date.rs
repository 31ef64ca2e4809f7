//! Statement dates relative to the publication date ("on Thursday", "yesterday").

use chrono::{Datelike, Duration, NaiveDate};

use super::lex::WEEKDAYS;

/// Date named by the lowercased words of a clause, relative to `published`.
/// Weekdays map to the most recent such day on or before the publication date.
pub fn stated_on<'w>(
    words: impl Iterator<Item = &'w str>,
    published: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let published = published?;
    let mut prev = "";
    for w in words {
        if let Some(k) = WEEKDAYS.iter().position(|d| {
            w == *d || w.strip_suffix("’s").or_else(|| w.strip_suffix("'s")) == Some(d)
        }) {
            let pub_wd = published.weekday().num_days_from_monday() as i64;
            let mut back = (pub_wd - k as i64).rem_euclid(7);
            if prev == "last" && back == 0 {
                back = 7;
            }
            return published.checked_sub_signed(Duration::days(back));
        }
        match w {
            "yesterday" => return published.checked_sub_signed(Duration::days(1)),
            "today" | "tonight" => return Some(published),
            _ => {}
        }
        prev = w;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_and_yesterday() {
        let fri = NaiveDate::from_ymd_opt(2025, 4, 25);
        assert_eq!(
            stated_on(["said", "on", "thursday"].into_iter(), fri),
            NaiveDate::from_ymd_opt(2025, 4, 24)
        );
        assert_eq!(stated_on(["friday"].into_iter(), fri), fri);
        assert_eq!(
            stated_on(["saturday"].into_iter(), fri),
            NaiveDate::from_ymd_opt(2025, 4, 19)
        );
        assert_eq!(
            stated_on(["yesterday"].into_iter(), fri),
            NaiveDate::from_ymd_opt(2025, 4, 24)
        );
        assert_eq!(stated_on(["thursday"].into_iter(), None), None);
        assert_eq!(stated_on(["last", "week"].into_iter(), fri), None);
    }
}
