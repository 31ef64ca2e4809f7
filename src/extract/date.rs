//! Statement dates relative to the publication date ("on Thursday", "yesterday", "last week").
//!
//! The first date phrase in the attribution frame wins. Rules, with `P` the publication date:
//! - a weekday ("on Monday", "Monday night", "Monday's speech") is the latest such day on or
//!   before `P`; "last Monday" is strictly before `P`;
//! - "today", "tonight", "this morning/afternoon/evening" → `P`; "yesterday", "last night" →
//!   `P − 1`;
//! - "N days ago" → `P − N`, "a week ago" / "N weeks ago" → `P − 7N` (N a digit or a word up
//!   to ten);
//! - an absolute date ("on March 3", "Mar. 3", "3 March", "March 3rd", "March 3, 2023") is in
//!   `P`'s year unless a year is written, or in the year before when that day would fall after
//!   `P`;
//! - a period names its first day, the earliest day the statement can have been made:
//!   "last week" → the Monday of the previous ISO week, "this week" / "earlier this week" →
//!   the Monday of `P`'s ISO week, "last month" → the first of the previous month,
//!   "earlier this month" → the first of `P`'s month. A date is better than none for the spec
//!   (a week-old statement must not look undated), and a period's start keeps every
//!   derived date on or before the real one, so "first seen" never moves later than it was.
//!
//! Nothing is ever dated after `P`.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate};

use super::lex::{Shapes, WEEKDAYS};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Abbreviations [`month`] knows besides the full names.
const MONTH_ABBREVS: [&str; 13] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "sept",
];

/// The shapes of the words a rule of [`stated_on`] fires on (weekdays with their
/// possessives, the relative words, month names); days of the month start with a digit.
/// Relative-date words the rules fire on ("yesterday", "last week", "two days ago").
const RELATIVE_WORDS: [&str; 10] = [
    "yesterday",
    "today",
    "tonight",
    "night",
    "morning",
    "afternoon",
    "evening",
    "week",
    "month",
    "ago",
];

static DATE_WORDS: LazyLock<Shapes> = LazyLock::new(|| {
    let mut shapes = Shapes::default();
    for d in WEEKDAYS {
        shapes.insert(d);
        shapes.insert(&format!("{d}’s"));
        shapes.insert(&format!("{d}'s"));
    }
    for w in RELATIVE_WORDS.iter().chain(&MONTHS).chain(&MONTH_ABBREVS) {
        shapes.insert(w);
    }
    shapes
});

/// False when no rule of [`stated_on`] fires on the word `w` (each fires on one word, and
/// reads the words around it only then): most words of a frame are ruled out by their
/// shape, and a frame without such a word names no date.
pub fn may_date(w: &str) -> bool {
    w.as_bytes().first().is_some_and(u8::is_ascii_digit) || DATE_WORDS.may_contain(w)
}

/// Month number (1-based) of a month name or its usual abbreviation.
fn month(w: &str) -> Option<u32> {
    let k = MONTHS.iter().position(|m| *m == w).or_else(|| {
        MONTH_ABBREVS
            .iter()
            .position(|m| *m == w)
            .map(|k| if k == 12 { 8 } else { k })
    })?;
    Some(k as u32 + 1)
}

/// Day of the month written as "3", "03" or "3rd".
fn day(w: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|x| w.strip_suffix(x))
        .unwrap_or(w);
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let d: u32 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn count(w: &str) -> Option<i64> {
    let words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    if let Some(k) = words.iter().position(|x| *x == w) {
        return Some(k as i64 + 1);
    }
    match w {
        "a" | "an" => Some(1),
        _ => w.parse().ok().filter(|n| (1..=60).contains(n)),
    }
}

fn monday_of(d: NaiveDate) -> Option<NaiveDate> {
    d.checked_sub_signed(Duration::days(d.weekday().num_days_from_monday() as i64))
}

/// An absolute "Month Day[, Year]" / "Day Month" date, never after `published`.
fn absolute(m: u32, d: u32, year: Option<i32>, published: NaiveDate) -> Option<NaiveDate> {
    if let Some(y) = year {
        return NaiveDate::from_ymd_opt(y, m, d).filter(|x| *x <= published);
    }
    let this = NaiveDate::from_ymd_opt(published.year(), m, d);
    match this {
        Some(x) if x <= published => Some(x),
        _ => NaiveDate::from_ymd_opt(published.year() - 1, m, d),
    }
}

/// Date named by the lowercased words of a clause, relative to `published` (see the module
/// documentation for the rules).
pub fn stated_on(w: &[&str], published: Option<NaiveDate>) -> Option<NaiveDate> {
    let published = published?;
    let at = |k: usize| w.get(k).copied().unwrap_or("");
    let back = |n: i64| published.checked_sub_signed(Duration::days(n));
    for (k, &x) in w.iter().enumerate() {
        if !may_date(x) {
            continue;
        }
        let prev = if k > 0 { w[k - 1] } else { "" };
        if let Some(wd) = WEEKDAYS.iter().position(|d| {
            x == *d || x.strip_suffix("’s").or_else(|| x.strip_suffix("'s")) == Some(d)
        }) {
            let pub_wd = published.weekday().num_days_from_monday() as i64;
            let mut n = (pub_wd - wd as i64).rem_euclid(7);
            if prev == "last" && n == 0 {
                n = 7;
            }
            return back(n);
        }
        match x {
            "yesterday" => return back(1),
            "today" | "tonight" => return Some(published),
            "night" if prev == "last" => return back(1),
            "morning" | "afternoon" | "evening" if prev == "this" => return Some(published),
            "week" if prev == "last" => return monday_of(published - Duration::days(7)),
            "week" if prev == "this" => return monday_of(published),
            "month" if prev == "last" => {
                let first = published.with_day(1)?;
                return (first - Duration::days(1)).with_day(1);
            }
            "month" if prev == "this" && k >= 2 && w[k - 2] == "earlier" => {
                return published.with_day(1)
            }
            "ago" if k >= 2 => {
                if let Some(n) = count(w[k - 2]) {
                    match prev {
                        "day" | "days" => return back(n),
                        "week" | "weeks" => return back(7 * n),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        // "March 3", "Mar. 3", "March 3rd, 2023"
        if let Some(m) = month(x) {
            let dk = if at(k + 1) == "." { k + 2 } else { k + 1 };
            if let Some(d) = day(at(dk)) {
                let year = (at(dk + 1) == ",")
                    .then(|| at(dk + 2).parse::<i32>().ok())
                    .flatten()
                    .filter(|y| (1900..=2200).contains(y));
                if let Some(date) = absolute(m, d, year, published) {
                    return Some(date);
                }
            }
        }
        // "3 March"
        if let (Some(d), Some(m)) = (day(x), month(at(k + 1))) {
            if x.chars().all(|c| c.is_ascii_digit()) {
                if let Some(date) = absolute(m, d, None, published) {
                    return Some(date);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(words: &str, published: Option<NaiveDate>) -> Option<NaiveDate> {
        stated_on(&words.split(' ').collect::<Vec<_>>(), published)
    }

    #[test]
    fn words_the_rules_fire_on_pass_the_shape_check() {
        for w in WEEKDAYS.iter().chain(&MONTHS).chain(&MONTH_ABBREVS) {
            assert!(may_date(w), "{w}");
        }
        for w in RELATIVE_WORDS
            .iter()
            .copied()
            .chain(["sunday’s", "friday's", "3", "03", "21st"])
        {
            assert!(may_date(w), "{w}");
        }
        assert!(!may_date("said"));
        assert!(!may_date(""));
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn weekdays_and_yesterday() {
        let fri = d(2025, 4, 25);
        assert_eq!(on("said on thursday", fri), d(2025, 4, 24));
        assert_eq!(on("friday", fri), fri);
        assert_eq!(on("saturday", fri), d(2025, 4, 19));
        assert_eq!(on("yesterday", fri), d(2025, 4, 24));
        assert_eq!(on("thursday", None), None);
        assert_eq!(on("last friday", fri), d(2025, 4, 18));
        assert_eq!(on("last monday", fri), d(2025, 4, 21));
        assert_eq!(on("on monday night", fri), d(2025, 4, 21));
        assert_eq!(on("said last night", fri), d(2025, 4, 24));
        assert_eq!(on("said this morning", fri), fri);
    }

    #[test]
    fn weeks_and_months_name_their_first_day() {
        let fri = d(2025, 4, 25);
        assert_eq!(on("said last week", fri), d(2025, 4, 14));
        assert_eq!(on("said earlier this week", fri), d(2025, 4, 21));
        assert_eq!(on("said this week", fri), d(2025, 4, 21));
        assert_eq!(on("said last month", fri), d(2025, 3, 1));
        assert_eq!(on("said last month", d(2025, 1, 10)), d(2024, 12, 1));
        assert_eq!(on("said earlier this month", fri), d(2025, 4, 1));
    }

    #[test]
    fn days_ago() {
        let fri = d(2025, 4, 25);
        assert_eq!(on("said two days ago", fri), d(2025, 4, 23));
        assert_eq!(on("said 3 days ago", fri), d(2025, 4, 22));
        assert_eq!(on("said a week ago", fri), d(2025, 4, 18));
        assert_eq!(on("said two weeks ago", fri), d(2025, 4, 11));
        assert_eq!(on("said years ago", fri), None);
    }

    #[test]
    fn absolute_dates() {
        let fri = d(2025, 4, 25);
        assert_eq!(on("said on march 3", fri), d(2025, 3, 3));
        assert_eq!(on("said mar . 3", fri), d(2025, 3, 3));
        assert_eq!(on("said march 3rd", fri), d(2025, 3, 3));
        assert_eq!(on("said on 3 march", fri), d(2025, 3, 3));
        // after publication: the year before
        assert_eq!(on("said on december 30", fri), d(2024, 12, 30));
        assert_eq!(on("said on march 3 , 2023", fri), d(2023, 3, 3));
        assert_eq!(on("said in march", fri), None);
        assert_eq!(on("said may 2020 was hard", fri), None);
        assert_eq!(on("said february 30", fri), None);
    }
}
